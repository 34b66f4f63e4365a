package dev.wakeq.relay;

import dev.wakeq.wire.WakeMessage;
import java.util.Objects;

/**
 * One tenant the relay announces: the queue table it watches in the binary log, and where that tenant's wake-ups
 * go (its pool's wake address, the same target the trigger would be given).
 *
 * @param key        the wake-up key (wire format)
 * @param name       {@code namespace/tenant}, for logs only
 * @param schema     the tenant's schema, exactly as the server stores its name
 * @param queueTable the queue table in that schema
 * @param wakeHost   the pool's wake address (a Service name or an IP)
 * @param wakePort   the pool's wake port (UDP for inserts, TCP for sweeps)
 */
public record RelayTenant(String key, String name, String schema, String queueTable, String wakeHost, int wakePort) {

    public RelayTenant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(queueTable, "queueTable");
        Objects.requireNonNull(wakeHost, "wakeHost");
        if (key == null || !WakeMessage.TENANT_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("tenant key must be 1-64 characters of [A-Za-z0-9_.-]");
        }
        if (wakePort < 1 || wakePort > 65535) {
            throw new IllegalArgumentException("wakePort must be 1-65535");
        }
    }

    /** The key is a capability (whoever knows it can wake the tenant): logs show the name only. */
    @Override
    public String toString() {
        return "RelayTenant[name=" + name + ", table=" + schema + "." + queueTable + "]";
    }
}
