package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolStatus;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.operator.status.Conditions;
import dev.wakeq.operator.status.OperatorEvents;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Objects;

/** Keeps a pool's Deployment, wake Service and disruption budget as the spec says, and reports them in status. */
@Workflow(dependents = {
        @Dependent(name = "deployment", type = WorkerDeploymentDependent.class),
        @Dependent(name = "wake-service", type = WakeServiceDependent.class),
        // Exactly one of the two budgets is active, by what the API server serves.
        @Dependent(name = "disruption-budget", type = DisruptionBudgetDependent.class,
                activationCondition = PolicyApi.ServesV1.class),
        @Dependent(name = "disruption-budget-v1beta1", type = DisruptionBudgetV1beta1Dependent.class,
                activationCondition = PolicyApi.ServesOnlyV1beta1.class)
})
@ControllerConfiguration(name = "workerpool")
public class WorkerPoolReconciler implements Reconciler<WorkerPool> {

    private final OperatorMetrics metrics;
    private final Clock clock;

    @Inject
    public WorkerPoolReconciler(OperatorMetrics metrics) {
        this(metrics, Clock.systemUTC());
    }

    WorkerPoolReconciler(OperatorMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public UpdateControl<WorkerPool> reconcile(WorkerPool pool, Context<WorkerPool> context) {
        Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
        WorkerPoolStatus next = status(pool, deployment);
        metrics.poolsReconciled(context.getPrimaryCache());
        if (pool.getStatus() != null && sameStatus(pool.getStatus(), next)) {
            return UpdateControl.noUpdate();
        }
        new OperatorEvents(context.getClient()).readyChanged(pool,
                pool.getStatus() == null ? null : pool.getStatus().getConditions(), next.getConditions());
        // Send status only: on server-side apply a status patch would otherwise claim the spec fields it carries.
        WorkerPool patch = new WorkerPool();
        patch.setMetadata(new ObjectMetaBuilder().withName(pool.getMetadata().getName())
                .withNamespace(pool.getMetadata().getNamespace()).build());
        patch.setStatus(next);
        return UpdateControl.patchStatus(patch);
    }

    WorkerPoolStatus status(WorkerPool pool, Deployment deployment) {
        PoolNames names = PoolNames.of(pool);
        WorkerPoolStatus old = pool.getStatus();
        WorkerPoolStatus status = new WorkerPoolStatus();
        status.setObservedGeneration(pool.getMetadata().getGeneration());
        status.setSelector(names.selector());
        Integer replicas = deployment == null || deployment.getStatus() == null ? null : deployment.getStatus().getReplicas();
        Integer ready = deployment == null || deployment.getStatus() == null ? null
                : deployment.getStatus().getReadyReplicas();
        status.setReplicas(replicas == null ? 0 : replicas);
        status.setReadyReplicas(ready == null ? 0 : ready);
        status.setTenants(old == null ? null : old.getTenants());

        Conditions conditions = Conditions.from(old == null ? null : old.getConditions(),
                pool.getMetadata().getGeneration(), clock);
        String specProblem = ReplicaPolicy.problem(pool.getSpec());
        if (specProblem != null) {
            conditions.set("SpecValid", false, "InvalidReplicaRange", specProblem + "; fix the WorkerPool spec");
        } else {
            conditions.set("SpecValid", true, "Valid", "");
        }
        boolean available = ready != null && ready > 0;
        conditions.set("Available", available, available ? "WorkersReady" : "NoReadyWorker",
                available ? ready + " worker(s) ready" : "no worker pod of Deployment " + names.deployment()
                        + " is ready yet; wake-ups wait for the sweep until one is");
        boolean ok = specProblem == null && available;
        conditions.set("Ready", ok, ok ? "PoolReady" : (specProblem != null ? "InvalidReplicaRange" : "NoReadyWorker"),
                ok ? "serving wake-ups on Service " + names.wakeService()
                        : (specProblem != null ? specProblem : "waiting for a ready worker"));
        status.setConditions(conditions.build());
        return status;
    }

    private static boolean sameStatus(WorkerPoolStatus a, WorkerPoolStatus b) {
        return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getReplicas(), b.getReplicas())
                && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
                && Objects.equals(a.getSelector(), b.getSelector())
                && Objects.equals(a.getTenants(), b.getTenants())
                && Conditions.same(a.getConditions(), b.getConditions());
    }
}
