package dev.wakeq.operator.tenant;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads and edits a pool's tenants Secret. Many QueueTenant reconciles edit the same Secret concurrently, so
 * every write is a compare-and-swap on resourceVersion, retried on conflict: no registration is lost.
 */
final class PoolRegistry {

    private static final int ATTEMPTS = 8;

    private final KubernetesClient client;

    PoolRegistry(KubernetesClient client) {
        this.client = client;
    }

    TenantsFile read(String namespace, String pool) {
        Secret secret = client.secrets().inNamespace(namespace).withName(new PoolNames(pool, namespace).tenantsSecret()).get();
        return secret == null ? TenantsFile.empty() : decode(secret);
    }

    /** Applies {@code change} to the pool's tenants file; creates the Secret (owned by the pool) if missing. */
    TenantsFile update(WorkerPool pool, UnaryOperator<TenantsFile> change) {
        PoolNames names = PoolNames.of(pool);
        for (int attempt = 1; ; attempt++) {
            Secret current = client.secrets().inNamespace(names.namespace()).withName(names.tenantsSecret()).get();
            TenantsFile before = current == null ? TenantsFile.empty() : decode(current);
            TenantsFile after = change.apply(before);
            if (after.equals(before) && current != null) {
                return after;
            }
            try {
                if (current == null) {
                    client.secrets().inNamespace(names.namespace()).resource(newSecret(pool, names, after)).create();
                } else {
                    Secret next = new SecretBuilder(current).withData(Map.of(WorkerDeploymentDependent.TENANTS_FILE,
                            Base64.getEncoder().encodeToString(after.toJson()))).build();
                    client.secrets().inNamespace(names.namespace()).resource(next)
                            .lockResourceVersion(current.getMetadata().getResourceVersion()).update();
                }
                return after;
            } catch (KubernetesClientException e) {
                // 409: someone else wrote first (or created it); read again and reapply our change.
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Removes a tenant from a pool's file; a missing pool or Secret means there is nothing to remove. */
    void remove(String namespace, String pool, String tenantName) {
        String secretName = new PoolNames(pool, namespace).tenantsSecret();
        for (int attempt = 1; ; attempt++) {
            Secret current = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (current == null) {
                return;
            }
            TenantsFile before = decode(current);
            if (before.find(tenantName).isEmpty()) {
                return;
            }
            Secret next = new SecretBuilder(current).withData(Map.of(WorkerDeploymentDependent.TENANTS_FILE,
                    Base64.getEncoder().encodeToString(before.without(tenantName).toJson()))).build();
            try {
                client.secrets().inNamespace(namespace).resource(next)
                        .lockResourceVersion(current.getMetadata().getResourceVersion()).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static Secret newSecret(WorkerPool pool, PoolNames names, TenantsFile file) {
        return new SecretBuilder()
                .withNewMetadata().withName(names.tenantsSecret()).withNamespace(names.namespace())
                .withLabels(names.labels())
                // Owned by the pool: deleting the pool deletes its tenants file.
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(pool.getApiVersion())
                        .withKind(pool.getKind()).withName(pool.getMetadata().getName())
                        .withUid(pool.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(WorkerDeploymentDependent.TENANTS_FILE, Base64.getEncoder().encodeToString(file.toJson())))
                .build();
    }

    private static TenantsFile decode(Secret secret) {
        String data = secret.getData() == null ? null : secret.getData().get(WorkerDeploymentDependent.TENANTS_FILE);
        return data == null ? TenantsFile.empty() : TenantsFile.parse(Base64.getDecoder().decode(data));
    }
}
