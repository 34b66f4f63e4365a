package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The pool's PodDisruptionBudget ({@code policy/v1}). {@code maxUnavailable: 1}, whatever the replica count:
 * with two or more workers a drain evicts one at a time and only while the others are ready, so a voluntary
 * disruption never takes the last ready worker; with one worker (minReplicas 0 or 1) the drain may evict it, as
 * {@code minAvailable: 1} would block every drain of that node until someone intervened. The gap that leaves
 * (until the Deployment's replacement is ready) costs latency, not jobs: wake-ups sent meanwhile are lost, the
 * rows stay queued and the next sweep finds them. Pools that must not have that gap run minReplicas 2.
 * A fixed value also means scaling never rewrites the budget.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class DisruptionBudgetDependent extends PoolDependent<PodDisruptionBudget> {

    public DisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static PodDisruptionBudget desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(names.disruptionBudget()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(names.selectorLabels()).endSelector()
                .endSpec()
                .build();
    }
}
