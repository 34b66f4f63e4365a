package dev.wakeq.worker;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each configured tenant last had a wake-up here, by tenant name: what a worker or receiver reports to the
 * operator ({@link WorkerReport#lastWakes()}). Thread-safe; recording is one map write per wake-up.
 */
final class LastWakes {

    private final Map<String, Long> millis = new ConcurrentHashMap<>();

    void seen(String tenant) {
        millis.put(tenant, System.currentTimeMillis());
    }

    /** After a tenants reload: removed tenants are no longer reported. */
    void retain(Collection<String> tenants) {
        millis.keySet().retainAll(tenants);
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(millis);
    }
}
