package dev.wakeq.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Where a worker (or receiver) learns its tenants: a tenants file ({@link TenantsFileWatcher}, for VMs and
 * tests) or its pool's shard Secrets read through the Kubernetes API ({@link KubeShardWatch}). The runtime only
 * sees complete tenant lists and whether the source has delivered everything it must know before turning ready.
 */
interface TenantSource extends AutoCloseable {

    /** Whether the worker knows its tenants: everything there is has been read (or there is nothing). */
    boolean settled();

    /** The versions applied, by part (shard Secret name to resourceVersion); empty for a file. */
    Map<String, String> applied();

    @Override
    void close();

    /** Starts a source that hands every complete tenant list to {@code apply}. */
    interface Factory {
        TenantSource start(Consumer<List<TenantConfig>> apply, WorkerMetrics metrics, ScheduledExecutorService timers);

        /** The tenants file of {@code config}, or no source at all (tenants set in code) when it names none. */
        static Factory file(WorkerConfig config) {
            return (apply, metrics, timers) -> {
                TenantsFileWatcher w = TenantsFileWatcher.start(config, apply, metrics, timers);
                return w != null ? w : NONE;
            };
        }
    }

    TenantSource NONE = new TenantSource() {
        @Override
        public boolean settled() {
            return true;
        }

        @Override
        public Map<String, String> applied() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    };
}
