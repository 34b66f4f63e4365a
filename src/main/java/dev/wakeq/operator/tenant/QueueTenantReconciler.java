package dev.wakeq.operator.tenant;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.InvalidSpecException;
import dev.wakeq.install.Problem;
import dev.wakeq.install.Reason;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.QueueTenantStatus;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.operator.relay.RelayRegistry;
import dev.wakeq.operator.relay.RelayReports;
import dev.wakeq.operator.status.Conditions;
import dev.wakeq.operator.status.OperatorEvents;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Makes a tenant database match its QueueTenant: registers the tenant with its pool's workers, installs function,
 * trigger and event through {@link TenantInstaller}, and reports what it found as conditions. Runs again
 * periodically, so a trigger dropped by hand returns; on delete it removes trigger and event (never the queue).
 */
@ControllerConfiguration(name = "queuetenant")
public class QueueTenantReconciler implements Reconciler<QueueTenant>, Cleaner<QueueTenant> {

    private static final Logger LOG = Logger.getLogger(QueueTenantReconciler.class);

    private final TenantInstaller installer;
    private final OperatorConfig config;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final PoolRegistry registry;
    private final WakeSightings sightings;
    private final RelayRegistry relays;
    private final BinlogSource binlog;
    private final QuietRechecks quiet = new QuietRechecks();
    private final WorkerAcks acks;

    public QueueTenantReconciler(OperatorConfig config, OperatorMetrics metrics, PoolRegistry registry,
                                 WakeSightings sightings, WorkerAcks acks) {
        this(config, metrics, registry, sightings, new RelayRegistry(), new RelayReports(), acks);
    }

    @Inject
    public QueueTenantReconciler(OperatorConfig config, OperatorMetrics metrics, PoolRegistry registry,
                                 WakeSightings sightings, RelayRegistry relays, RelayReports relayReports,
                                 WorkerAcks acks) {
        this(new TenantInstaller(), config, metrics, registry, sightings, relays, relayReports, acks,
                Clock.systemUTC());
    }

    QueueTenantReconciler(TenantInstaller installer, OperatorConfig config, OperatorMetrics metrics,
                          PoolRegistry registry, WakeSightings sightings, RelayRegistry relays,
                          RelayReports relayReports, WorkerAcks acks, Clock clock) {
        this.installer = installer;
        this.config = config;
        this.metrics = metrics;
        this.registry = registry;
        this.sightings = sightings;
        this.relays = relays;
        this.binlog = new BinlogSource(installer, relays, relayReports, registry);
        this.acks = acks;
        this.clock = clock;
    }

    @Override
    public UpdateControl<QueueTenant> reconcile(QueueTenant tenant, Context<QueueTenant> context) {
        KubernetesClient client = context.getClient();
        metrics.tenantsReconciled(context.getPrimaryCache());
        QueueTenantStatus old = tenant.getStatus();
        Conditions conditions = Conditions.from(old == null ? null : old.getConditions(),
                tenant.getMetadata().getGeneration(), clock);
        QueueTenantStatus status = new QueueTenantStatus();
        status.setObservedGeneration(tenant.getMetadata().getGeneration());
        status.setLastWakeSeen(lastWakeSeen(TenantInputs.tenantName(tenant), old));

        boolean ready = reconcile(tenant, client, conditions, status);
        Conditions.Summary summary = conditions.summary();
        conditions.set(TenantStatusBuilder.READY, ready, ready ? "Installed" : summary.reason(),
                ready ? "wake-ups flow to " + status.getWakeTarget() : summary.message());
        status.setConditions(conditions.build());
        new OperatorEvents(client).readyChanged(tenant, old == null ? null : old.getConditions(),
                status.getConditions());

        UpdateControl<QueueTenant> control = sameStatus(old, status) ? UpdateControl.noUpdate()
                : UpdateControl.patchStatus(statusPatch(tenant, status));
        // Workers apply a shard within a second or so: look again soon rather than after the retry interval.
        boolean catchingUp = !ready && TenantStatusBuilder.WORKERS_CATCHING_UP.equals(summary.reason());
        return control.rescheduleAfter(ready ? config.recheckInterval()
                : catchingUp ? TenantStatusBuilder.WORKERS_RECHECK : config.retryInterval());
    }

    private boolean reconcile(QueueTenant tenant, KubernetesClient client, Conditions conditions,
                              QueueTenantStatus status) {
        String namespace = tenant.getMetadata().getNamespace();
        String poolName = tenant.getSpec().getPool().getName();
        WorkerPool pool = client.resources(WorkerPool.class).inNamespace(namespace).withName(poolName).get();
        TenantInputs inputs = new TenantInputs(client, tenant, config.functionVersion());
        TenantInputs.Resolved resolved;
        try {
            resolved = inputs.resolve(pool);
        } catch (TenantInputs.InputProblem p) {
            conditions.set(p.condition(), false, p.reason(), p.getMessage());
            return false;
        }
        status.setWakeTarget(resolved.wakeHost() + ":" + resolved.wakePort());

        String name = TenantInputs.tenantName(tenant);
        String key = registry.find(namespace, poolName, name).map(TenantsFile.Entry::key)
                .orElseGet(TenantKeys::newKey);
        TenantSpec spec;
        try {
            spec = resolved.spec(key);
        } catch (InvalidSpecException e) {
            // The CRD schema rejects most bad input; this catches what a pattern cannot (e.g. an IP's range).
            conditions.set("SpecValid", false, "InvalidSpec", "invalid spec: " + e.getMessage());
            return false;
        }
        PoolRegistry.Written written;
        try {
            // Register before installing: the workers know the key before the first wake-up can name it.
            // A Binlog tenant's workers skip the late-commit polls only once its trigger is gone.
            written = registry.update(pool, name, file -> file.with(resolved.entry(key)
                    .withWakeSource(BinlogSource.active(tenant) ? BinlogSource.BINLOG : null)));
            conditions.set(TenantStatusBuilder.REGISTERED_WITH_POOL, true, "Registered",
                    "in Secret " + written.secretName());
        } catch (PoolRegistry.ShardFullException e) {
            conditions.set(TenantStatusBuilder.REGISTERED_WITH_POOL, false, "ShardFull", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            conditions.set(TenantStatusBuilder.REGISTERED_WITH_POOL, false, "RegistrationFailed",
                    "could not update the pool's tenants shard Secret: " + e.getMessage());
            return false;
        }
        if (BinlogSource.wanted(tenant)) {
            // The relay's wake-ups name the tenant too: its workers must know it before it is Ready.
            boolean relayed = binlog.reconcile(tenant, client, inputs, resolved, spec, pool, key, conditions, status);
            return workersKnow(client, pool, written, conditions) && relayed;
        }
        String uid = tenant.getMetadata().getUid();
        List<TenantSpec> replicas = resolved.replicaSpecs(key);
        var fingerprint = quiet.read(spec, installer);
        if (replicas.isEmpty() && wasReady(tenant) && quiet.unchanged(uid, spec, fingerprint)) {
            // Nothing the install reads has changed since one that found all in place: keep its conditions.
            conditions.keepUnset();
            metrics.recheckedUnchanged();
            status.setInstalledFunctionVersion(tenant.getStatus().getInstalledFunctionVersion());
            status.setWakeSource(tenant.getStatus().getWakeSource());
            return workersKnow(client, pool, written, conditions);
        }
        InstallReport report = installer.install(spec, functionWasNotLoaded(tenant.getStatus()));
        quiet.installed(uid, spec, fingerprint, report);
        metrics.installed(report);
        LOG.debugf("tenant %s: %s", name, report);
        boolean installed = TenantStatusBuilder.fromReport(conditions, report);
        installed &= workersKnow(client, pool, written, conditions);
        checkReplicas(replicas, conditions);
        if (StandInSweep.needed(report)) {
            StandInSweep.send(name, resolved.wakeHost(), resolved.wakePort(), key);
        }
        String before = tenant.getStatus() == null ? null : tenant.getStatus().getWakeSource();
        if (installed) {
            // Binlog to Trigger: the relay lets go of the tenant only once function, trigger and event all work (a
            // trigger whose function is not loaded announces nothing).
            relays.leave(client, namespace, name);
        }
        status.setWakeSource(installed ? BinlogSource.TRIGGER : before);
        if (report.object(dev.wakeq.install.ObjectReport.Kind.FUNCTION).map(o -> o.desiredAfterRun()).orElse(false)) {
            status.setInstalledFunctionVersion(spec.functionVersion());
        } else if (tenant.getStatus() != null) {
            status.setInstalledFunctionVersion(tenant.getStatus().getInstalledFunctionVersion());
        }
        return installed;
    }

    @Override
    public DeleteControl cleanup(QueueTenant tenant, Context<QueueTenant> context) {
        KubernetesClient client = context.getClient();
        String namespace = tenant.getMetadata().getNamespace();
        String poolName = tenant.getSpec().getPool().getName();
        String name = TenantInputs.tenantName(tenant);
        try {
            WorkerPool pool = client.resources(WorkerPool.class).inNamespace(namespace).withName(poolName).get();
            TenantInputs.Resolved resolved = new TenantInputs(client, tenant, config.functionVersion())
                    .resolveForUninstall(pool);
            InstallReport report = installer.uninstall(resolved.spec(
                    registry.find(namespace, poolName, name).map(TenantsFile.Entry::key).orElse("uninstall")));
            if (report.hasProblems()) {
                LOG.warnf("tenant %s: could not remove trigger and event yet: %s", name, report.problems());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.retryInterval());
            }
        } catch (TenantInputs.InputProblem | InvalidSpecException e) {
            // Without credentials nothing can be removed; keeping the finalizer forever would block the namespace.
            LOG.warnf("tenant %s: trigger and event left in place: %s", name, e.getMessage());
        }
        relays.leave(client, namespace, name);
        registry.remove(namespace, poolName, name);
        sightings.forget(name);
        quiet.forget(tenant.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }

    /**
     * Condition KnownToWorkers: every ready worker (and receiver) of the pool has applied the shard version that
     * holds this tenant. Ready waits for it, so a wake-up sent right after Ready is not dropped as unknown.
     */
    private boolean workersKnow(KubernetesClient client, WorkerPool pool, PoolRegistry.Written written,
                                Conditions conditions) {
        boolean known;
        try {
            known = acks.applied(client, dev.wakeq.operator.pool.PoolNames.of(pool), written);
        } catch (RuntimeException e) {
            // E.g. no RBAC on pods: as unknown; the next look is soon.
            LOG.debugf("pool %s: worker reports not read: %s", pool.getMetadata().getName(), e.toString());
            known = false;
        }
        conditions.set(TenantStatusBuilder.KNOWN_TO_WORKERS, known,
                known ? "ShardApplied" : TenantStatusBuilder.WORKERS_CATCHING_UP,
                known ? "every ready worker has applied " + written.secretName()
                        : "waiting for the pool's ready workers to apply " + written.secretName());
        return known;
    }

    /** Condition ReplicasReady when the spec lists replicas: the first replica problem, or all of them fine. */
    private void checkReplicas(List<TenantSpec> replicas, Conditions conditions) {
        if (replicas.isEmpty()) {
            return;
        }
        for (TenantSpec replica : replicas) {
            InstallReport check = installer.checkReplica(replica);
            if (check.hasProblems()) {
                Problem p = check.problems().get(0);
                conditions.set(TenantStatusBuilder.REPLICAS_READY, false, p.reason().name(),
                        replica.dbHost() + ":" + replica.dbPort() + ": " + p.message());
                return;
            }
        }
        conditions.set(TenantStatusBuilder.REPLICAS_READY, true, "FunctionLoaded", replicas.size()
                + " replica(s) list the function with its library loaded");
    }

    /** Ready=True for the current generation: the conditions a skipped install would keep are all good. */
    private static boolean wasReady(QueueTenant tenant) {
        QueueTenantStatus status = tenant.getStatus();
        return status != null && status.getConditions() != null
                && java.util.Objects.equals(status.getObservedGeneration(), tenant.getMetadata().getGeneration())
                && status.getConditions().stream().anyMatch(c -> TenantStatusBuilder.READY.equals(c.getType())
                        && "True".equals(c.getStatus()));
    }

    private static boolean functionWasNotLoaded(QueueTenantStatus status) {
        return status != null && status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> TenantStatusBuilder.FUNCTION_INSTALLED.equals(c.getType())
                        && Reason.FunctionNotLoaded.name().equals(c.getReason()));
    }

    /**
     * The later of the status's value and the workers' latest report, to the second: a busy tenant's wake-ups
     * then change the status at most once per re-check, not on every insert.
     */
    private String lastWakeSeen(String name, QueueTenantStatus old) {
        String before = old == null ? null : old.getLastWakeSeen();
        Instant known = null;
        try {
            known = before == null ? null : Instant.parse(before);
        } catch (DateTimeParseException e) {
            // Written by hand or by another tool: the workers' figure replaces it.
        }
        Instant seen = sightings.last(name).map(t -> t.truncatedTo(ChronoUnit.SECONDS)).orElse(null);
        if (seen == null || (known != null && !seen.isAfter(known))) {
            return before;
        }
        return seen.toString();
    }

    private static QueueTenant statusPatch(QueueTenant tenant, QueueTenantStatus status) {
        // Status only: with server-side apply a patch also claims whatever spec fields it carries.
        QueueTenant patch = new QueueTenant();
        patch.setMetadata(new ObjectMetaBuilder().withName(tenant.getMetadata().getName())
                .withNamespace(tenant.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        return patch;
    }

    private static boolean sameStatus(QueueTenantStatus a, QueueTenantStatus b) {
        return a != null
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getInstalledFunctionVersion(), b.getInstalledFunctionVersion())
                && Objects.equals(a.getWakeTarget(), b.getWakeTarget())
                && Objects.equals(a.getWakeSource(), b.getWakeSource())
                && Objects.equals(a.getLastWakeSeen(), b.getLastWakeSeen())
                && Conditions.same(a.getConditions(), b.getConditions());
    }
}
