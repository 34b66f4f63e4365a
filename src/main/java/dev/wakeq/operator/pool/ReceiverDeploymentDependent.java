package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Map;

/**
 * The always-on receiver of a pool with {@code minReplicas: 0}: one small pod, from the worker image, that listens
 * on the wake port beside the workers and hands wake-ups on to them, holding them while the pool has none
 * (docs/design.md, "Scale to zero"). It needs no database access: it reads the tenants shards only to tell real
 * keys from forged ones.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class ReceiverDeploymentDependent extends PoolDependent<Deployment> {

    public ReceiverDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static Deployment desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        int port = pool.getSpec().getWake().getPort();
        return WorkerDeploymentDependent.deployment(names.receiver(), names, names.receiverLabels(),
                names.receiverSelectorLabels(), 1, Map.of(),
                WorkerDeploymentDependent.podSpec(pool, "receiver", env(pool, names, port),
                        new ResourceRequirementsBuilder()
                                .addToRequests("cpu", new Quantity("20m")).addToRequests("memory", new Quantity("96Mi"))
                                .addToLimits("memory", new Quantity("160Mi")).build()));
    }

    private static List<EnvVar> env(WorkerPool pool, PoolNames names, int port) {
        List<EnvVar> env = new java.util.ArrayList<>(List.of(
                new EnvVarBuilder().withName("WAKEQ_WORKER_ID").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                new EnvVar("WAKEQ_ROLE", "receiver", null),
                new EnvVar("WAKEQ_PORT", String.valueOf(port), null),
                new EnvVar("WAKEQ_METRICS_PORT", String.valueOf(WorkerDeploymentDependent.METRICS_PORT), null),
                new EnvVar("WAKEQ_FORWARD_HOST", names.workersServiceHost(), null),
                new EnvVar("WAKEQ_FORWARD_PORT", String.valueOf(port), null)));
        env.addAll(WorkerDeploymentDependent.tenantsEnv(pool));
        return env;
    }
}
