package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import java.util.Optional;
import java.util.Set;

/** Creates the wake-up trigger, or swaps it atomically when target, key or function version changed. */
final class TriggerStep {

    private TriggerStep() {
    }

    /**
     * True when the trigger is as desired after this step. Adds to {@code oldVersions} the function version the
     * existing trigger called if it was another one.
     */
    static boolean run(RunContext ctx, TriggerSql triggers, boolean queueReady, boolean functionReady,
                       Set<String> oldVersions) {
        TenantSpec spec = ctx.spec;
        String name = ObjectNames.trigger(spec.queueTable()).name();
        Optional<TriggerSql.Found> found = ctx.attempt(new Need("SELECT", "information_schema.TRIGGERS"),
                () -> TriggerSql.find(ctx.sql, spec));
        if (found == null) {
            ctx.report(Kind.TRIGGER, name, Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return false;
        }
        found.flatMap(t -> FunctionSql.calledVersion(t.body()))
                .filter(v -> !v.equals(spec.functionVersion()))
                .ifPresent(oldVersions::add);
        String difference = found.isPresent() ? triggers.difference(found.get(), spec, ctx.settings())
                : "absent";
        if (difference == null) {
            ctx.report(Kind.TRIGGER, name, Found.CURRENT, Action.NONE, "");
            return true;
        }
        Found state = found.isPresent() ? Found.OUTDATED : Found.ABSENT;
        if (!ctx.write) {
            ctx.report(Kind.TRIGGER, name, state, Action.SKIPPED, difference);
            return false;
        }
        if (!queueReady || !functionReady) {
            // Never point a trigger at a function that is not there: every INSERT would fail (error 1305).
            ctx.report(Kind.TRIGGER, name, state, Action.SKIPPED, difference + "; waiting for "
                    + (queueReady ? "the function" : "the queue table and " + LoadedSql.TABLE.name()));
            return false;
        }
        String table = ctx.qualified(spec.queueTable().name());
        if (found.isEmpty()) {
            boolean created = ctx.attemptTo(new Need("TRIGGER", table),
                    () -> triggers.create(ctx.sql, spec, ctx.settings()));
            ctx.report(Kind.TRIGGER, name, state, created ? Action.CREATED : Action.SKIPPED, "");
            return created;
        }
        boolean replaced = ctx.attemptTo(new Need("TRIGGER and LOCK TABLES", table),
                () -> triggers.replace(ctx.sql, spec, ctx.settings(), found.get()));
        ctx.report(Kind.TRIGGER, name, state, replaced ? Action.REPLACED : Action.SKIPPED, difference);
        return replaced;
    }

    /**
     * Swaps the trigger for an identical one (atomically, as {@link TriggerSql#replace} does), so every session parses
     * its body again. Nothing to do when it is absent or outdated: {@link #run} creates or replaces it afterwards.
     */
    static boolean renew(RunContext ctx, TriggerSql triggers) {
        TenantSpec spec = ctx.spec;
        Optional<TriggerSql.Found> found = ctx.attempt(new Need("SELECT", "information_schema.TRIGGERS"),
                () -> TriggerSql.find(ctx.sql, spec));
        if (found == null) {
            return false;
        }
        if (found.isEmpty() || triggers.difference(found.get(), spec, ctx.settings()) != null) {
            return true;
        }
        return ctx.attemptTo(new Need("TRIGGER and LOCK TABLES", ctx.qualified(spec.queueTable().name())),
                () -> triggers.replace(ctx.sql, spec, ctx.settings(), found.get()));
    }
}
