package dev.wakeq.operator.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelayTenant;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;

/**
 * Writes the relay file (docs/relay.md) the relay's {@code RelayFileParser} reads; a test round-trips the two. Tenants
 * are sorted by name so the same membership always gives the same bytes (no needless Secret update).
 */
final class RelayFileJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RelayFileJson() {
    }

    static byte[] write(RelayServer server, Collection<RelayTenant> tenants) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode s = root.putObject("server");
        s.put("host", server.host());
        s.put("port", server.port());
        s.put("user", server.user());
        s.put("password", server.password());
        ArrayNode list = root.putArray("tenants");
        tenants.stream().sorted(Comparator.comparing(RelayTenant::name)).forEach(t -> {
            ObjectNode n = list.addObject();
            n.put("key", t.key());
            n.put("name", t.name());
            n.put("schema", t.schema());
            n.put("queueTable", t.queueTable());
            n.put("wakeHost", t.wakeHost());
            n.put("wakePort", t.wakePort());
        });
        return root.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }
}
