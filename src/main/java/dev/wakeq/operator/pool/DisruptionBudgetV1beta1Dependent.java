package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The same budget as {@link DisruptionBudgetDependent} for API servers that serve only {@code policy/v1beta1}
 * (Kubernetes 1.20 and earlier). The spec fields used are identical in both versions, so it is the v1 object
 * converted: the two cannot drift apart.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class DisruptionBudgetV1beta1Dependent extends PoolDependent<PodDisruptionBudget> {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    public DisruptionBudgetV1beta1Dependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static PodDisruptionBudget desired(WorkerPool pool) {
        PodDisruptionBudget pdb = SERIALIZATION.convertValue(DisruptionBudgetDependent.desired(pool),
                PodDisruptionBudget.class);
        pdb.setApiVersion("policy/v1beta1");
        return pdb;
    }
}
