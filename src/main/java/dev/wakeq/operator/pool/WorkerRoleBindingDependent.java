package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Grants the pool's {@link WorkerRoleDependent} to its {@link WorkerAccountDependent}. */
@KubernetesDependent(useSSA = BooleanWithUndefined.FALSE,
        informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WorkerRoleBindingDependent extends PoolDependent<RoleBinding> {

    public WorkerRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static RoleBinding desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return new RoleBindingBuilder()
                .withNewMetadata().withName(names.workerAccount()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(names.workerAccount()).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(names.workerAccount())
                .withNamespace(names.namespace()).endSubject()
                .build();
    }
}
