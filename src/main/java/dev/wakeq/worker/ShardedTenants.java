package dev.wakeq.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A pool's tenants as the union of its shards, each shard replaced as a whole when a new version of it arrives.
 * A shard that cannot be parsed is refused as a whole: its previous content stays in force, the refusal is
 * counted ({@code wakeq_config_errors_total}) and logged once per version, without quoting content.
 * Kubernetes-free: {@link KubeShardWatch} feeds it, a test can too.
 */
final class ShardedTenants {

    private static final Logger LOG = Logger.getLogger(ShardedTenants.class.getName());

    private record Applied(String version, List<TenantConfig> tenants) {
    }

    private final Consumer<List<TenantConfig>> apply;
    private final WorkerMetrics metrics;
    private final Map<String, Applied> shards = new TreeMap<>();
    private final Map<String, String> refused = new TreeMap<>();

    ShardedTenants(Consumer<List<TenantConfig>> apply, WorkerMetrics metrics) {
        this.apply = apply;
        this.metrics = metrics;
    }

    /**
     * Offers version {@code version} of shard {@code shard}; {@code content} null means the shard has no Secret
     * (no tenants). Returns whether that version is now applied.
     */
    synchronized boolean offer(String shard, String version, byte[] content) {
        Applied current = shards.get(shard);
        if (current != null && Objects.equals(current.version(), version)) {
            return true;
        }
        if (Objects.equals(refused.get(shard), version)) {
            return false;
        }
        List<TenantConfig> tenants;
        try {
            tenants = content == null ? List.of() : TenantsFileParser.parse(content);
        } catch (TenantsFileParser.InvalidTenantsFileException e) {
            refused.put(shard, version);
            metrics.configError();
            LOG.warning("tenants shard " + shard + " version " + version
                    + " refused, keeping its previous content: " + e.getMessage());
            return false;
        }
        refused.remove(shard);
        shards.put(shard, new Applied(version, tenants));
        List<TenantConfig> all = new ArrayList<>();
        shards.values().forEach(a -> all.addAll(a.tenants()));
        apply.accept(all);
        metrics.configReloaded();
        // "loaded: N tenant(s)" as the tenants file's message says it: operators and tests look for it.
        LOG.info("tenants shard " + shard + " version " + version + " applied (" + tenants.size()
                + " in the shard); loaded: " + all.size() + " tenant(s)");
        return true;
    }

    synchronized boolean isApplied(String shard, String version) {
        Applied a = shards.get(shard);
        return a != null && Objects.equals(a.version(), version);
    }

    /** Shard name to the version applied, for shards that have a Secret. */
    synchronized Map<String, String> applied() {
        Map<String, String> versions = new TreeMap<>();
        shards.forEach((name, a) -> {
            if (a.version() != null) {
                versions.put(name, a.version());
            }
        });
        return versions;
    }
}
