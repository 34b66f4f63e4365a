package dev.wakeq.operator.tenant;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When any worker last reported a wake-up for each tenant ({@code namespace/name}), as the WorkerPool reconciler
 * reads it from the workers' reports; the QueueTenant reconciler copies it into {@code status.lastWakeSeen}.
 * In memory: after an operator restart the status keeps the last value written until a worker reports a newer one.
 */
@Singleton
public class WakeSightings {

    private final Map<String, Long> lastMillis = new ConcurrentHashMap<>();

    /** Keeps the later of what is known and what a worker reported, per tenant. */
    public void record(Map<String, Long> reported) {
        reported.forEach((tenant, millis) -> {
            if (tenant != null && millis != null) {
                lastMillis.merge(tenant, millis, Math::max);
            }
        });
    }

    public Optional<Instant> last(String tenant) {
        Long millis = lastMillis.get(tenant);
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** A deleted tenant's sighting must not reappear on a new tenant of the same name. */
    public void forget(String tenant) {
        lastMillis.remove(tenant);
    }
}
