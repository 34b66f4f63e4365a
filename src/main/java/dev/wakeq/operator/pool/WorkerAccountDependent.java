package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The identity the pool's workers and receiver read their tenants shards with ({@link WorkerRoleDependent}).
 * One per pool, so a pool's pods can read its shards and no other pool's. Created without server-side apply, as
 * the wake Service is (kube-apiserver 1.20).
 */
@KubernetesDependent(useSSA = BooleanWithUndefined.FALSE,
        informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WorkerAccountDependent extends PoolDependent<ServiceAccount> {

    public WorkerAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static ServiceAccount desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(names.workerAccount()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .build();
    }
}
