package dev.wakeq.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tenants a row written to {@code schema.table} concerns. Immutable: a reload builds a new index and swaps
 * it in, so the binary-log thread reads it without locks. Names compare exactly, as the server stores them: a
 * table of the queue's name in a schema that is no tenant's is not in the index.
 */
final class QueueTableIndex {

    static final QueueTableIndex EMPTY = new QueueTableIndex(List.of());

    private final Map<String, Map<String, List<RelayTenant>>> bySchema = new HashMap<>();
    private final List<RelayTenant> all;

    QueueTableIndex(List<RelayTenant> tenants) {
        all = List.copyOf(tenants);
        for (RelayTenant t : all) {
            bySchema.computeIfAbsent(t.schema(), s -> new HashMap<>())
                    .computeIfAbsent(t.queueTable(), q -> new ArrayList<>()).add(t);
        }
    }

    /** The tenants of that queue table; empty (not null) for any other table. */
    List<RelayTenant> tenantsOf(String schema, String table) {
        Map<String, List<RelayTenant>> tables = bySchema.get(schema);
        if (tables == null) {
            return List.of();
        }
        List<RelayTenant> tenants = tables.get(table);
        return tenants == null ? List.of() : tenants;
    }

    List<RelayTenant> all() {
        return all;
    }
}
