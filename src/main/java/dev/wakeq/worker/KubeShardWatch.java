package dev.wakeq.worker;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The only Kubernetes part of the worker: one single-object informer (list and watch with
 * {@code fieldSelector=metadata.name=...}, which a Role restricted by {@code resourceNames} permits) per shard
 * Secret of the worker's pool, feeding {@link ShardedTenants}. A lost watch is Fabric8's to resume: the informer
 * lists again and delivers what changed meanwhile, so a worker cut off from the API catches up when it is back.
 * Settled once every shard's first list is done and each shard that exists has been applied; until then the
 * worker is not ready (and keeps trying, e.g. while its Role is not there yet).
 */
final class KubeShardWatch implements TenantSource {

    private static final Logger LOG = Logger.getLogger(KubeShardWatch.class.getName());
    static final String DATA_KEY = "tenants.json";

    private final KubernetesClient client;
    private final ShardedTenants tenants;
    private final Map<String, SharedIndexInformer<Secret>> informers = new java.util.LinkedHashMap<>();
    /** Latched: a shard refused later must not take a worker that knows its tenants out of the Service. */
    private volatile boolean settled;

    private KubeShardWatch(KubernetesClient client, ShardedTenants tenants) {
        this.client = client;
        this.tenants = tenants;
    }

    /** Watches the shards of {@code pool} in {@code namespace} with a client from {@code clients} (closed with it). */
    static Factory factory(Supplier<KubernetesClient> clients, String namespace, String pool) {
        return (apply, metrics, timers) -> {
            KubeShardWatch w = new KubeShardWatch(clients.get(), new ShardedTenants(apply, metrics));
            try {
                for (String name : TenantShards.secretNames(pool)) {
                    SharedIndexInformer<Secret> informer = w.client.secrets().inNamespace(namespace).withName(name)
                            .runnableInformer(0);
                    informer.addEventHandler(w.handler(name));
                    // Keep trying rather than end the worker: at a pool's creation its Role may reach the API a
                    // moment after its first pod, which then stays not ready until it can read its shards.
                    informer.exceptionHandler((started, e) -> {
                        LOG.warning("tenants shard " + name + ": " + e.getClass().getSimpleName() + ": "
                                + e.getMessage() + "; retrying");
                        return true;
                    });
                    informer.start();
                    w.informers.put(name, informer);
                }
            } catch (RuntimeException e) {
                w.close();
                throw e;
            }
            LOG.info("watching " + TenantShards.COUNT + " tenants shard Secrets of pool " + pool + " in " + namespace);
            return w;
        };
    }

    private ResourceEventHandler<Secret> handler(String name) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                offer(name, s);
            }

            @Override
            public void onUpdate(Secret before, Secret after) {
                offer(name, after);
            }

            @Override
            public void onDelete(Secret s, boolean finalStateUnknown) {
                tenants.offer(name, null, null);
            }
        };
    }

    private void offer(String name, Secret s) {
        String data = s.getData() == null ? null : s.getData().get(DATA_KEY);
        byte[] content;
        try {
            content = data == null ? new byte[0] : Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            content = new byte[0];
        }
        tenants.offer(name, s.getMetadata().getResourceVersion(), content);
    }

    @Override
    public boolean settled() {
        if (!settled) {
            settled = allApplied();
        }
        return settled;
    }

    private boolean allApplied() {
        for (Map.Entry<String, SharedIndexInformer<Secret>> e : informers.entrySet()) {
            SharedIndexInformer<Secret> informer = e.getValue();
            if (!informer.hasSynced()) {
                return false;
            }
            List<Secret> stored = new ArrayList<>(informer.getStore().list());
            if (!stored.isEmpty() && !tenants.isApplied(e.getKey(), stored.get(0).getMetadata().getResourceVersion())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Map<String, String> applied() {
        return tenants.applied();
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        client.close();
    }
}
