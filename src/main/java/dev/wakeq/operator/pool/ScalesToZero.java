package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Met for a pool with {@code minReplicas: 0}: only such a pool gets the receiver and the workers-only Service.
 * As a reconcile precondition, a pool whose minimum rises above zero has both deleted again.
 */
public final class ScalesToZero implements Condition<Object, WorkerPool> {

    static boolean of(WorkerPool pool) {
        return pool.getSpec().getMinReplicas() != null && pool.getSpec().getMinReplicas() == 0;
    }

    @Override
    public boolean isMet(DependentResource<Object, WorkerPool> dependent, WorkerPool pool,
                         Context<WorkerPool> context) {
        return of(pool);
    }
}
