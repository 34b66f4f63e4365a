package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import java.util.Optional;

/**
 * Removes the trigger and the event. Never the queue table or its rows (they are the tenant's data), and never
 * the function: it is server-wide and other tenants may call it.
 */
final class UninstallStep {

    private UninstallStep() {
    }

    static void run(RunContext ctx) {
        TenantSpec spec = ctx.spec;
        String trigger = ObjectNames.trigger(spec.queueTable()).name();
        Optional<TriggerSql.Found> t = ctx.attempt(new Need("SELECT", "information_schema.TRIGGERS"),
                () -> TriggerSql.find(ctx.sql, spec));
        if (t == null) {
            ctx.report(Kind.TRIGGER, trigger, Found.UNKNOWN, Action.SKIPPED, "could not be read");
        } else if (t.isEmpty()) {
            ctx.report(Kind.TRIGGER, trigger, Found.ABSENT, Action.NONE, "");
        } else {
            boolean dropped = ctx.attemptTo(new Need("TRIGGER", ctx.qualified(spec.queueTable().name())),
                    () -> TriggerSql.drop(ctx.sql, spec));
            ctx.report(Kind.TRIGGER, trigger, Found.OUTDATED, dropped ? Action.DROPPED : Action.SKIPPED, "");
        }
        String event = ObjectNames.event(spec.queueTable()).name();
        Optional<EventSql.Found> e = ctx.attempt(new Need("SELECT", "information_schema.EVENTS"),
                () -> EventSql.find(ctx.sql, spec));
        if (e == null) {
            ctx.report(Kind.EVENT, event, Found.UNKNOWN, Action.SKIPPED, "could not be read");
        } else if (e.isEmpty()) {
            ctx.report(Kind.EVENT, event, Found.ABSENT, Action.NONE, "");
        } else {
            boolean dropped = ctx.attemptTo(new Need("EVENT", "schema " + spec.schema().quoted()),
                    () -> EventSql.drop(ctx.sql, spec));
            ctx.report(Kind.EVENT, event, Found.OUTDATED, dropped ? Action.DROPPED : Action.SKIPPED, "");
        }
    }
}
