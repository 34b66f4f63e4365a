package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.worker.TenantShards;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * What a pool's pods may read: get, list and watch on exactly the pool's tenants shard Secrets, by name. The
 * shard count is fixed, so the names are known before any shard exists; list and watch by name work because
 * the workers ask with {@code fieldSelector=metadata.name=...}. No other Secret of the namespace is readable.
 */
@KubernetesDependent(useSSA = BooleanWithUndefined.FALSE,
        informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WorkerRoleDependent extends PoolDependent<Role> {

    public WorkerRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static Role desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return new RoleBuilder()
                .withNewMetadata().withName(names.workerAccount()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .addNewRule().withApiGroups("").withResources("secrets")
                .withResourceNames(TenantShards.secretNames(names.pool()))
                .withVerbs("get", "list", "watch").endRule()
                .build();
    }
}
