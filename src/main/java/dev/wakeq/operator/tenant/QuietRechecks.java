package dev.wakeq.operator.tenant;

import dev.wakeq.install.Fingerprint;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.ObjectReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The periodic re-check of a healthy tenant at the cost of one statement (issue 15). Each reconcile first reads
 * the tenant database's {@link Fingerprint}. If the last install of the same spec found everything already in
 * place, with no problem, and the fingerprint read just before it is the same as now, the install (six
 * statements) is skipped. Anything else (a dropped trigger, a disabled event, a server restart, a new spec, an
 * install that had to change something) runs the full install, so drift is still repaired within one re-check
 * interval.
 *
 * <p>The fingerprint kept is the one read <em>before</em> an install that changed nothing: it then describes
 * exactly the state that install approved. One read after an install could record a trigger dropped in between
 * as healthy. An operator that starts (or takes over) knows nothing: its first reconcile of each tenant installs.
 */
final class QuietRechecks {

    private record Healthy(TenantSpec spec, Fingerprint fingerprint) {
    }

    private final Map<String, Healthy> byTenant = new ConcurrentHashMap<>();

    /** The fingerprint to pass to {@link #installed}; empty when it cannot be read (the install will say why). */
    Optional<Fingerprint> read(TenantSpec spec, TenantInstaller installer) {
        return installer.fingerprint(spec);
    }

    /** Whether the install can be skipped: same spec as the last approving install, same fingerprint. */
    boolean unchanged(String tenantUid, TenantSpec spec, Optional<Fingerprint> now) {
        Healthy last = byTenant.get(tenantUid);
        return last != null && last.spec().equals(spec) && now.isPresent() && now.get().sameAs(last.fingerprint());
    }

    /** After a full install: remember {@code before} only if the install found everything right and did nothing. */
    void installed(String tenantUid, TenantSpec spec, Optional<Fingerprint> before, InstallReport report) {
        boolean approved = before.isPresent() && !report.hasProblems() && report.inSync()
                && report.objects().stream().allMatch(o -> o.action() == ObjectReport.Action.NONE);
        if (approved) {
            byTenant.put(tenantUid, new Healthy(spec, before.get()));
        } else {
            byTenant.remove(tenantUid);
        }
    }

    void forget(String tenantUid) {
        byTenant.remove(tenantUid);
    }
}
