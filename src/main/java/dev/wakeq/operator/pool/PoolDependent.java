package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.status.OperatorEvents;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * An object the operator keeps for a WorkerPool. Creating or changing one is an action a person may want to trace
 * (a new image rolled out, a Service deleted by hand and put back), so each is recorded as an Event on the pool.
 */
abstract class PoolDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, WorkerPool> {

    PoolDependent(Class<R> type) {
        super(type);
    }

    @Override
    protected void onCreated(WorkerPool pool, R created, Context<WorkerPool> context) {
        super.onCreated(pool, created, context);
        new OperatorEvents(context.getClient()).record(pool, OperatorEvents.NORMAL, "Created",
                "created " + created.getKind() + " " + created.getMetadata().getName());
    }

    @Override
    protected void onUpdated(WorkerPool pool, R updated, R actual, Context<WorkerPool> context) {
        super.onUpdated(pool, updated, actual, context);
        new OperatorEvents(context.getClient()).record(pool, OperatorEvents.NORMAL, "Updated",
                "updated " + updated.getKind() + " " + updated.getMetadata().getName() + " to match the pool's spec");
    }
}
