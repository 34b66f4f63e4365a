package dev.wakeq.operator.pool;

import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolStatus;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.operator.status.Conditions;
import dev.wakeq.operator.status.OperatorEvents;
import dev.wakeq.operator.tenant.PoolRegistry;
import dev.wakeq.operator.tenant.WakeSightings;
import dev.wakeq.worker.WorkerReport;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Keeps a pool's Deployment, wake Service and disruption budget as the spec says, asks its workers for their
 * reports every {@link OperatorConfig#reportInterval()}, lets the {@link Autoscaler} decide the replicas from them,
 * hands their wake-up sightings to the QueueTenant reconciler, and reports all of it in status.
 */
@Workflow(dependents = {
        // The pods' identity first: a pod whose service account is missing is not admitted.
        @Dependent(name = "worker-account", type = WorkerAccountDependent.class),
        @Dependent(name = "worker-role", type = WorkerRoleDependent.class),
        @Dependent(name = "worker-role-binding", type = WorkerRoleBindingDependent.class),
        @Dependent(name = "deployment", type = WorkerDeploymentDependent.class),
        @Dependent(name = "wake-service", type = WakeServiceDependent.class),
        // Only for minReplicas 0: the receiver that listens while no worker runs, and the Service it hands on to.
        // They share the informers of the other Deployment and Service: one watch per type, one event per change.
        @Dependent(name = "receiver", type = ReceiverDeploymentDependent.class,
                reconcilePrecondition = ScalesToZero.class, useEventSourceWithName = "deployment"),
        @Dependent(name = "workers-service", type = WorkersServiceDependent.class,
                reconcilePrecondition = ScalesToZero.class, useEventSourceWithName = "wake-service"),
        // Exactly one of the two budgets is active, by what the API server serves.
        @Dependent(name = "disruption-budget", type = DisruptionBudgetDependent.class,
                activationCondition = PolicyApi.ServesV1.class),
        @Dependent(name = "disruption-budget-v1beta1", type = DisruptionBudgetV1beta1Dependent.class,
                activationCondition = PolicyApi.ServesOnlyV1beta1.class)
})
@ControllerConfiguration(name = "workerpool")
public class WorkerPoolReconciler implements Reconciler<WorkerPool> {

    private static final Logger LOG = Logger.getLogger(WorkerPoolReconciler.class);
    /** After a new target, look again soon: the next reconcile's Deployment update is what applies it. */
    private static final Duration APPLY_SOON = Duration.ofSeconds(1);

    private final OperatorMetrics metrics;
    private final OperatorConfig config;
    private final WorkerReports reports;
    private final Autoscaler autoscaler;
    private final WakeSightings sightings;
    private final PoolRegistry registry;
    private final Clock clock;

    @Inject
    public WorkerPoolReconciler(OperatorMetrics metrics, OperatorConfig config, WorkerReports reports,
                                Autoscaler autoscaler, WakeSightings sightings, PoolRegistry registry) {
        this(metrics, config, reports, autoscaler, sightings, registry, Clock.systemUTC());
    }

    WorkerPoolReconciler(OperatorMetrics metrics, OperatorConfig config, WorkerReports reports, Autoscaler autoscaler,
                         WakeSightings sightings, PoolRegistry registry, Clock clock) {
        this.metrics = metrics;
        this.config = config;
        this.reports = reports;
        this.autoscaler = autoscaler;
        this.sightings = sightings;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public UpdateControl<WorkerPool> reconcile(WorkerPool pool, Context<WorkerPool> context) {
        PoolNames names = PoolNames.of(pool);
        Deployment deployment = deployment(context, names.deployment());
        List<WorkerReport> answers = ask(context, names, names.selectorLabels());
        boolean toZero = ScalesToZero.of(pool);
        List<WorkerReport> receivers = toZero ? ask(context, names, names.receiverSelectorLabels()) : List.of();
        answers.forEach(r -> sightings.record(r.lastWakes()));
        receivers.forEach(r -> sightings.record(r.lastWakes()));
        int waiting = receivers.stream().mapToInt(WorkerReport::pendingWakes).sum();
        Autoscaler.Decision decision = autoscaler.decide(pool, ReplicaPolicy.desiredReplicas(pool), answers, waiting,
                clock.instant());
        Integer tenants = tenants(pool, names);
        Deployment receiver = toZero ? deployment(context, names.receiver()) : null;
        WorkerPoolStatus next = status(pool, deployment, receiver, decision, tenants);
        metrics.poolsReconciled(context.getPrimaryCache());
        autoscaler.retainOnly(context.getPrimaryCache().list().toList());
        WorkerPoolStatus old = pool.getStatus();
        boolean retarget = old == null || !Objects.equals(old.getTargetReplicas(), next.getTargetReplicas());
        // At zero the receiver is asked every second: that is how long a wake-up may wait before a worker starts.
        Duration again = retarget || (toZero && next.getTargetReplicas() == 0) ? APPLY_SOON : config.reportInterval();
        if (old != null && sameStatus(old, next)) {
            return UpdateControl.<WorkerPool>noUpdate().rescheduleAfter(again);
        }
        OperatorEvents events = new OperatorEvents(context.getClient());
        events.readyChanged(pool, old == null ? null : old.getConditions(), next.getConditions());
        if (retarget && old != null && old.getTargetReplicas() != null) {
            events.record(pool, OperatorEvents.NORMAL, decision.reason().name(), "target workers "
                    + old.getTargetReplicas() + " -> " + next.getTargetReplicas() + ": " + decision.message());
        }
        // Send status only: on server-side apply a status patch would otherwise claim the spec fields it carries.
        WorkerPool patch = new WorkerPool();
        patch.setMetadata(new ObjectMetaBuilder().withName(pool.getMetadata().getName())
                .withNamespace(pool.getMetadata().getNamespace()).build());
        patch.setStatus(next);
        return UpdateControl.patchStatus(patch).rescheduleAfter(again);
    }

    /** One of the pool's Deployments: the workers' or the receiver's (two of that type are secondary resources). */
    private static Deployment deployment(Context<WorkerPool> context, String name) {
        return context.getSecondaryResources(Deployment.class).stream()
                .filter(d -> name.equals(d.getMetadata().getName())).findFirst().orElse(null);
    }

    private List<WorkerReport> ask(Context<WorkerPool> context, PoolNames names, Map<String, String> labels) {
        try {
            return reports.fetch(context.getClient(), names.namespace(), labels).reports();
        } catch (KubernetesClientException e) {
            // E.g. no RBAC for pods: the pool still works, it just is not scaled; the Scaling condition says so.
            LOG.warnf("WorkerPool %s/%s: cannot list its pods: %s", names.namespace(), names.pool(), e.getMessage());
            return List.of();
        }
    }

    /** The tenants the pool's shard Secrets list; on a read error the last known figure stays. */
    private Integer tenants(WorkerPool pool, PoolNames names) {
        try {
            return registry.tenantCount(names.namespace(), names.pool());
        } catch (KubernetesClientException e) {
            LOG.debugf("WorkerPool %s/%s: tenants Secret not read: %s", names.namespace(), names.pool(), e.getMessage());
            return pool.getStatus() == null ? null : pool.getStatus().getTenants();
        }
    }

    WorkerPoolStatus status(WorkerPool pool, Deployment deployment, Deployment receiver, Autoscaler.Decision decision,
                            Integer tenants) {
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
        status.setTenants(tenants);
        status.setTargetReplicas(decision.target());

        Conditions conditions = Conditions.from(old == null ? null : old.getConditions(),
                pool.getMetadata().getGeneration(), clock);
        String specProblem = ReplicaPolicy.problem(pool.getSpec());
        if (specProblem != null) {
            conditions.set("SpecValid", false, "InvalidReplicaRange", specProblem + "; fix the WorkerPool spec");
        } else {
            conditions.set("SpecValid", true, "Valid", "");
        }
        boolean workers = ready != null && ready > 0;
        boolean receiving = receiver != null && receiver.getStatus() != null
                && receiver.getStatus().getReadyReplicas() != null && receiver.getStatus().getReadyReplicas() > 0;
        boolean available = workers || receiving;
        conditions.set("Available", available, workers ? "WorkersReady" : receiving ? "ReceiverReady" : "NoReadyWorker",
                workers ? ready + " worker(s) ready"
                        : receiving ? "no worker runs; the receiver " + names.receiver() + " holds wake-ups and the "
                        + "operator starts a worker for them"
                        : "no worker pod of Deployment " + names.deployment()
                        + " is ready yet; wake-ups wait for the sweep until one is");
        int have = replicas == null ? 0 : replicas;
        conditions.set("Scaling", have != decision.target(), decision.reason().name(),
                (have != decision.target() ? "from " + have + " to " + decision.target() + " worker(s): "
                        : decision.target() + " worker(s): ") + decision.message());
        boolean ok = specProblem == null && available;
        conditions.set("Ready", ok, ok ? "PoolReady" : (specProblem != null ? "InvalidReplicaRange" : "NoReadyWorker"),
                ok ? "taking wake-ups on Service " + names.wakeService()
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
                && Objects.equals(a.getTargetReplicas(), b.getTargetReplicas())
                && Conditions.same(a.getConditions(), b.getConditions());
    }
}
