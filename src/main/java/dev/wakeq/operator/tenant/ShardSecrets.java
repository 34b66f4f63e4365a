package dev.wakeq.operator.tenant;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.PoolNames;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.Map;

/** The Secret form of one tenants shard: its key, size limit, creation (owned by the pool) and compare-and-swap. */
final class ShardSecrets {

    /** The data key holding the shard's JSON. */
    static final String KEY = dev.wakeq.operator.pool.WorkerDeploymentDependent.TENANTS_KEY;
    /**
     * The largest shard written. The API refuses a Secret whose data passes 1 MiB; 768 KiB leaves room for
     * metadata and still holds about 4,000 tenants per shard, 60,000 per pool.
     */
    static final int MAX_BYTES = 768 * 1024;

    private ShardSecrets() {
    }

    static boolean fits(TenantsFile file) {
        return file.toJson().length <= MAX_BYTES;
    }

    /** Creates the Secret when {@code current} is null, else replaces its data if its resourceVersion still holds. */
    static Secret write(KubernetesClient client, Secret current, WorkerPool owner, PoolNames names, String name,
                        TenantsFile file) {
        String data = Base64.getEncoder().encodeToString(file.toJson());
        if (current == null) {
            return client.secrets().inNamespace(names.namespace()).resource(newSecret(owner, names, name, data))
                    .create();
        }
        Secret next = new SecretBuilder(current).withData(Map.of(KEY, data)).build();
        return client.secrets().inNamespace(names.namespace()).resource(next)
                .lockResourceVersion(current.getMetadata().getResourceVersion()).update();
    }

    static TenantsFile decode(Secret secret) {
        String data = secret == null || secret.getData() == null ? null : secret.getData().get(KEY);
        return data == null ? TenantsFile.empty() : TenantsFile.parse(Base64.getDecoder().decode(data));
    }

    private static Secret newSecret(WorkerPool pool, PoolNames names, String name, String data) {
        return new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(names.namespace())
                .withLabels(names.labels())
                // Owned by the pool: deleting the pool deletes its tenants.
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(pool.getApiVersion())
                        .withKind(pool.getKind()).withName(pool.getMetadata().getName())
                        .withUid(pool.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(KEY, data))
                .build();
    }
}
