package dev.wakeq.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The relay's {@code GET /report}: whether it streams, the problem and its message if not, since when, and how
 * many tenants it announces. Never a key, password or URL: the operator copies it into tenant conditions.
 */
final class RelayReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RelayReport() {
    }

    static String json(BinlogRelay relay) {
        RelayStatus s = relay.status();
        ObjectNode node = JSON.createObjectNode();
        node.put("streaming", s.streaming());
        node.put("problem", s.problem() == null ? null : s.problem().name());
        node.put("message", s.message());
        node.put("since", s.since().toString());
        node.put("tenants", relay.tenants().size());
        // Names (namespace/tenant), not keys: the operator drops a tenant's trigger only once its name is here.
        var names = node.putArray("tenantNames");
        relay.tenants().forEach(t -> names.add(t.name()));
        return node.toString();
    }
}
