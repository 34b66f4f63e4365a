package dev.wakeq.operator.tenant;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.QueueTenantStatus;
import dev.wakeq.operator.crd.TenantWakeSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.relay.RelayNames;
import dev.wakeq.operator.relay.RelayRegistry;
import dev.wakeq.operator.relay.RelayReports;
import dev.wakeq.operator.status.Conditions;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelayTenant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A QueueTenant with {@code spec.wake.source: Binlog}: joins the relay of its database server, asks the relay whether
 * it announces the tenant, and only then lets the installer drop a trigger and event left from the Trigger source.
 * Until then the trigger keeps announcing, so a switch has no window; the relay announces as well meanwhile (a job
 * then gets two wake-ups, which costs one claim query). The workers learn that the tenant's wake-ups follow the commit
 * only after the trigger is gone.
 */
final class BinlogSource {

    static final String BINLOG = TenantWakeSpec.Source.Binlog.name();
    static final String TRIGGER = TenantWakeSpec.Source.Trigger.name();

    private final TenantInstaller installer;
    private final RelayRegistry relays;
    private final RelayReports reports;
    private final PoolRegistry registry;

    BinlogSource(TenantInstaller installer, RelayRegistry relays, RelayReports reports, PoolRegistry registry) {
        this.installer = installer;
        this.relays = relays;
        this.reports = reports;
        this.registry = registry;
    }

    static boolean wanted(QueueTenant tenant) {
        TenantWakeSpec wake = tenant.getSpec().getWake();
        return wake != null && wake.getSource() == TenantWakeSpec.Source.Binlog;
    }

    /** Whether the relay alone announces the tenant now (the swap is done): what the workers' entry says. */
    static boolean active(QueueTenant tenant) {
        QueueTenantStatus status = tenant.getStatus();
        return wanted(tenant) && status != null && BINLOG.equals(status.getWakeSource());
    }

    /** Sets the Binlog tenant's conditions and {@code status.wakeSource}; returns whether it is ready. */
    boolean reconcile(QueueTenant tenant, KubernetesClient client, TenantInputs inputs, TenantInputs.Resolved resolved,
                      TenantSpec spec, WorkerPool pool, String key, Conditions conditions, QueueTenantStatus status) {
        QueueTenantStatus old = tenant.getStatus();
        status.setWakeSource(old == null ? null : old.getWakeSource());
        String namespace = tenant.getMetadata().getNamespace();
        TenantInputs.RelayAccount account;
        try {
            account = inputs.relayAccount();
        } catch (TenantInputs.InputProblem p) {
            conditions.set(TenantStatusBuilder.RELAY_CONNECTED, false, p.reason(), p.getMessage());
            return false;
        }
        RelayNames names = new RelayNames(namespace, spec.dbHost(), spec.dbPort(), account.secretName());
        RelayServer server = new RelayServer(spec.dbHost(), spec.dbPort(), account.user(), account.password());
        RelayTenant member = new RelayTenant(key, resolved.tenantName(), spec.schema().name(), spec.queueTable().name(),
                resolved.wakeHost(), resolved.wakePort());
        try {
            relays.join(client, names, server, new RelayRegistry.Member(member, pool.getSpec().getImage(),
                    spec.sweepMinutes() * 60));
        } catch (KubernetesClientException e) {
            conditions.set(TenantStatusBuilder.RELAY_CONNECTED, false, "RelayNotDeployed", "could not write the "
                    + "relay's Secret or Deployment " + names.name() + ": HTTP " + e.getCode());
            return false;
        }
        RelayReports.Verdict verdict = reports.verdict(client, names, resolved.tenantName());
        conditions.set(TenantStatusBuilder.RELAY_CONNECTED, verdict.ok(), verdict.reason(), verdict.message());
        if (RelayReports.NOT_RUNNING.equals(verdict.reason())) {
            relays.rewrite(names);
        }
        if (verdict.ok()) {
            relays.leaveOthers(client, names, resolved.tenantName());
        }

        InstallReport report = installer.installBinlog(spec, verdict.ok());
        boolean database = TenantStatusBuilder.fromBinlogReport(conditions, report, verdict.ok());
        boolean swapped = verdict.ok() && database;
        if (swapped && !BINLOG.equals(status.getWakeSource())) {
            // The trigger is gone: from now on every wake-up follows a commit, so the workers may skip the late-commit
            // polls. Until this write they poll as for the trigger, which is merely more queries.
            registry.update(pool, resolved.tenantName(), file -> file.with(resolved.entry(key).withWakeSource(BINLOG)));
            status.setWakeSource(BINLOG);
        }
        return swapped;
    }
}
