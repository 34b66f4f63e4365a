package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import java.util.Optional;
import java.util.Set;

/** Creates the safety-net event or alters it in place, and warns when the scheduler will not run it. */
final class EventStep {

    private EventStep() {
    }

    /** True when the event is as desired after this step (whether or not the scheduler runs it). */
    static boolean run(RunContext ctx, boolean queueReady, boolean functionReady, Set<String> oldVersions) {
        TenantSpec spec = ctx.spec;
        String name = ObjectNames.event(spec.queueTable()).name();
        Optional<EventSql.Found> found = ctx.attempt(new Need("SELECT", "information_schema.EVENTS"),
                () -> EventSql.find(ctx.sql, spec));
        if (found == null) {
            ctx.report(Kind.EVENT, name, Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return false;
        }
        warnIfSchedulerOff(ctx, name);
        found.flatMap(e -> FunctionSql.calledVersion(e.body()))
                .filter(v -> !v.equals(spec.functionVersion()))
                .ifPresent(oldVersions::add);
        String difference = found.isPresent() ? EventSql.difference(found.get(), spec, ctx.settings())
                : "absent";
        if (difference == null) {
            ctx.report(Kind.EVENT, name, Found.CURRENT, Action.NONE, "");
            return true;
        }
        Found state = found.isPresent() ? Found.OUTDATED : Found.ABSENT;
        if (!ctx.write || !queueReady || !functionReady) {
            ctx.report(Kind.EVENT, name, state, Action.SKIPPED, difference);
            return false;
        }
        Need need = new Need("EVENT", "schema " + spec.schema().quoted());
        boolean done = found.isEmpty()
                ? ctx.attemptTo(need, () -> EventSql.create(ctx.sql, spec, ctx.settings()))
                : ctx.attemptTo(need, () -> EventSql.alter(ctx.sql, spec, ctx.settings()));
        Action action = found.isEmpty() ? Action.CREATED : Action.ALTERED;
        ctx.report(Kind.EVENT, name, state, done ? action : Action.SKIPPED, found.isEmpty() ? "" : difference);
        return done;
    }

    private static void warnIfSchedulerOff(RunContext ctx, String name) {
        ServerSql.Settings settings = ctx.settings();
        if (settings == null || settings.schedulerOn()) {
            return;
        }
        ctx.problem(Reason.EventSchedulerDisabled, "@@event_scheduler is " + settings.eventScheduler()
                + " on " + ctx.spec.dbHost() + ":" + ctx.spec.dbPort() + ", so the safety-net event "
                + ctx.qualified(name) + " is installed but never runs: set event_scheduler=ON in the server's "
                + "configuration ([mysqld] section or command line) and restart, or SET GLOBAL "
                + "event_scheduler=ON now and also in the configuration (SET GLOBAL alone is lost at the next restart"
                + (settings.eventScheduler().equalsIgnoreCase("DISABLED") ? "; DISABLED needs a restart" : "")
                + ")");
    }
}
