package dev.wakeq.operator.tenant;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.ObjectReport;
import dev.wakeq.install.Problem;
import dev.wakeq.install.Reason;
import dev.wakeq.operator.status.Conditions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Turns an installer report into the QueueTenant's conditions: one place that decides what each one says. */
final class TenantStatusBuilder {

    static final String READY = "Ready";
    static final String DATABASE_REACHABLE = "DatabaseReachable";
    static final String FUNCTION_INSTALLED = "FunctionInstalled";
    static final String TRIGGER_INSTALLED = "TriggerInstalled";
    static final String EVENT_INSTALLED = "EventInstalled";
    static final String REGISTERED_WITH_POOL = "RegisteredWithPool";
    /** Every ready worker of the pool has applied the tenants shard that lists the tenant. */
    static final String KNOWN_TO_WORKERS = "KnownToWorkers";
    static final String WORKERS_CATCHING_UP = "WorkersCatchingUp";
    /** How soon a tenant waiting for its workers is looked at again. */
    static final java.time.Duration WORKERS_RECHECK = java.time.Duration.ofMillis(500);
    /** Only with spec.database.replicas; does not decide Ready (wake-ups work on the current server). */
    static final String REPLICAS_READY = "ReplicasReady";
    /** Binlog tenants only: whether the server's relay streams and announces the tenant. */
    static final String RELAY_CONNECTED = "RelayConnected";
    /** Binlog tenants only: the queue table exists (the trigger's condition says so for Trigger tenants). */
    static final String QUEUE_TABLE_READY = "QueueTableReady";
    /** Binlog tenants only, while a switch from Trigger is pending or a leftover trigger cannot be dropped. */
    static final String TRIGGER_REMOVED = "TriggerRemoved";

    private static final Set<Reason> CONNECTION = EnumSet.of(Reason.AuthenticationFailed, Reason.DatabaseUnreachable,
            Reason.SchemaMissing);
    private static final Set<Reason> FUNCTION = EnumSet.of(Reason.UdfLibraryMissing, Reason.UdfLibraryInvalid,
            Reason.FunctionConflict, Reason.FunctionNotLoaded, Reason.MarksTableNotMemory);
    private static final Set<Reason> TRIGGER = EnumSet.of(Reason.QueueTableMissing, Reason.LockWaitTimeout);
    private static final Set<Reason> ANY_OBJECT = EnumSet.of(Reason.MissingPrivilege, Reason.BinlogTrustRequired,
            Reason.UnexpectedDatabaseError);

    private TenantStatusBuilder() {
    }

    /** Sets every database condition from the report; returns whether all of them are True. */
    static boolean fromReport(Conditions conditions, InstallReport report) {
        Optional<Problem> connection = first(report, CONNECTION);
        if (connection.isPresent()) {
            conditions.set(DATABASE_REACHABLE, false, connection.get().reason().name(), connection.get().message());
            String why = "database not reachable: " + connection.get().reason();
            conditions.set(FUNCTION_INSTALLED, Conditions.UNKNOWN, "DatabaseNotReachable", why);
            conditions.set(TRIGGER_INSTALLED, Conditions.UNKNOWN, "DatabaseNotReachable", why);
            conditions.set(EVENT_INSTALLED, Conditions.UNKNOWN, "DatabaseNotReachable", why);
            return false;
        }
        conditions.set(DATABASE_REACHABLE, true, "Connected", "");
        // Listed is not enough: a function whose library did not open at start-up is not called (FunctionNotLoaded).
        boolean function = object(conditions, report, ObjectReport.Kind.FUNCTION, FUNCTION_INSTALLED, FUNCTION)
                && object(conditions, report, ObjectReport.Kind.FUNCTION_LOADED, FUNCTION_INSTALLED, FUNCTION);
        boolean trigger = object(conditions, report, ObjectReport.Kind.TRIGGER, TRIGGER_INSTALLED, TRIGGER);
        boolean event = object(conditions, report, ObjectReport.Kind.EVENT, EVENT_INSTALLED, Set.of());
        Optional<Problem> scheduler = report.problem(Reason.EventSchedulerDisabled);
        if (event && scheduler.isPresent()) {
            conditions.set(EVENT_INSTALLED, false, Reason.EventSchedulerDisabled.name(), scheduler.get().message());
            event = false;
        }
        return function && trigger && event;
    }

    /**
     * A Binlog tenant's database conditions: reachable, queue table there, and (once the relay announces the tenant)
     * no trigger or event of the Trigger source left. Returns whether all of them hold.
     */
    static boolean fromBinlogReport(Conditions conditions, InstallReport report, boolean announced) {
        Optional<Problem> connection = first(report, CONNECTION);
        if (connection.isPresent()) {
            conditions.set(DATABASE_REACHABLE, false, connection.get().reason().name(), connection.get().message());
            return false;
        }
        conditions.set(DATABASE_REACHABLE, true, "Connected", "");
        Optional<ObjectReport> queue = report.object(ObjectReport.Kind.QUEUE_TABLE);
        boolean table = queue.isPresent() && queue.get().desiredAfterRun();
        if (table) {
            conditions.set(QUEUE_TABLE_READY, true, "Present", queue.get().toString());
        } else {
            Problem p = first(report, TRIGGER).or(() -> first(report, ANY_OBJECT)).orElse(null);
            conditions.set(QUEUE_TABLE_READY, false, p == null ? "NotReady" : p.reason().name(),
                    p == null ? queue.map(ObjectReport::toString).orElse("queue table not checked") : p.message());
        }
        if (!announced) {
            conditions.set(TRIGGER_REMOVED, false, "WaitingForRelay", "a trigger and event of the Trigger source, if "
                    + "any, stay and announce inserts until the relay announces this tenant (condition RelayConnected)");
            return false;
        }
        boolean gone = gone(report, ObjectReport.Kind.TRIGGER) && gone(report, ObjectReport.Kind.EVENT);
        if (gone) {
            conditions.set(TRIGGER_REMOVED, true, "Removed", "no trigger or event: the relay announces inserts");
        } else {
            Problem p = first(report, ANY_OBJECT).orElse(null);
            conditions.set(TRIGGER_REMOVED, false, p == null ? "NotRemoved" : p.reason().name(),
                    p == null ? "trigger or event still present" : p.message());
        }
        return table && gone;
    }

    private static boolean gone(InstallReport report, ObjectReport.Kind kind) {
        return report.object(kind).map(o -> o.found() == ObjectReport.Found.ABSENT
                || o.action() == ObjectReport.Action.DROPPED).orElse(false);
    }

    private static boolean object(Conditions conditions, InstallReport report, ObjectReport.Kind kind, String type,
                                  Set<Reason> own) {
        Optional<ObjectReport> object = report.object(kind);
        if (object.isPresent() && object.get().desiredAfterRun()) {
            conditions.set(type, true, "Installed", object.get().toString());
            return true;
        }
        Problem problem = first(report, own).or(() -> first(report, ANY_OBJECT)).orElse(null);
        if (problem != null) {
            conditions.set(type, false, problem.reason().name(), problem.message());
        } else {
            conditions.set(type, false, "NotInstalled",
                    object.map(ObjectReport::toString).orElse(kind + " was not installed") );
        }
        return false;
    }

    private static Optional<Problem> first(InstallReport report, Set<Reason> reasons) {
        return report.problems().stream().filter(p -> reasons.contains(p.reason())).findFirst();
    }
}
