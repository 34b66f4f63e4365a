package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The workers only, over TCP on the wake port: where a scale-to-zero pool's receiver hands wake-ups on. Without
 * server-side apply for the reason {@link WakeServiceDependent} gives.
 */
@KubernetesDependent(useSSA = BooleanWithUndefined.FALSE,
        informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WorkersServiceDependent extends PoolDependent<Service> {

    public WorkersServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static Service desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return WakeServiceDependent.service(names.workersService(), names, names.selectorLabels(),
                pool.getSpec().getWake().getPort(), false);
    }
}
