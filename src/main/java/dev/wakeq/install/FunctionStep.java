package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/** Makes sure the spec's function version exists, and retires old versions nothing calls any more. */
final class FunctionStep {

    /** "Function 'x' already exists": another tenant's installer created it first, which is fine. */
    private static final int ER_UDF_EXISTS = 1125;

    private FunctionStep() {
    }

    /** True when the function is there to be called after this step. */
    static boolean ensure(RunContext ctx) {
        String version = ctx.spec.functionVersion();
        SqlIdentifier fn = ObjectNames.function(version);
        Need read = new Need("SELECT", "`mysql`.`func`");
        Optional<FunctionSql.Found> found = ctx.attempt(read, () -> FunctionSql.find(ctx.sql, fn));
        if (found == null) {
            ctx.report(Kind.FUNCTION, fn.name(), Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return false;
        }
        if (found.isPresent()) {
            return existing(ctx, fn, found.get());
        }
        if (!ctx.write) {
            ctx.report(Kind.FUNCTION, fn.name(), Found.ABSENT, Action.SKIPPED, "would be created");
            return false;
        }
        try {
            FunctionSql.create(ctx.sql, version);
            ctx.report(Kind.FUNCTION, fn.name(), Found.ABSENT, Action.CREATED, ObjectNames.library(version));
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_UDF_EXISTS) {
                ctx.fail(e, new Need("INSERT", "`mysql`.`func` (CREATE FUNCTION " + fn.name() + ")"));
                ctx.report(Kind.FUNCTION, fn.name(), Found.ABSENT, Action.SKIPPED, "");
                return false;
            }
        }
        Optional<FunctionSql.Found> raced = ctx.attempt(read, () -> FunctionSql.find(ctx.sql, fn));
        return raced != null && raced.isPresent() && existing(ctx, fn, raced.get());
    }

    private static boolean existing(RunContext ctx, SqlIdentifier fn, FunctionSql.Found found) {
        String version = ctx.spec.functionVersion();
        if (found.matches(version)) {
            ctx.report(Kind.FUNCTION, fn.name(), Found.CURRENT, Action.NONE, found.library());
            return true;
        }
        ctx.report(Kind.FUNCTION, fn.name(), Found.OUTDATED, Action.SKIPPED,
                "loads " + found.library() + " (ret " + found.ret() + ", " + found.type() + ")");
        ctx.problem(Reason.FunctionConflict, "function " + fn.name() + " exists on the server but loads "
                + found.library() + " (return type code " + found.ret() + "), not " + ObjectNames.library(version)
                + " returning INTEGER; it is not wakeq's. Drop or rename it (it is server-wide: check nothing "
                + "else calls it) or use another function version");
        return false;
    }

    /**
     * Drops each old version that no trigger or event on the server calls any more. Runs only after this
     * tenant's trigger and event were moved to the new version, so this tenant is no longer a caller.
     */
    static void retire(RunContext ctx, Set<String> oldVersions) {
        for (String version : oldVersions) {
            SqlIdentifier fn = ObjectNames.function(version);
            FunctionSql.Usage usage = ctx.attempt(new Need("SELECT", "information_schema.TRIGGERS and EVENTS"),
                    () -> FunctionSql.usage(ctx.sql, fn));
            if (usage == null) {
                continue;
            }
            if (usage.unused()) {
                boolean dropped = ctx.attemptTo(new Need("DELETE", "`mysql`.`func` (DROP FUNCTION " + fn.name() + ")"),
                        () -> FunctionSql.drop(ctx.sql, fn));
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, dropped ? Action.DROPPED : Action.SKIPPED,
                        "no trigger or event calls it");
            } else if (!usage.visibleEverywhere()) {
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, Action.SKIPPED, "cannot see all schemas");
                ctx.problem(Reason.OldFunctionKept, "kept function " + fn.name() + ": user '" + ctx.spec.user()
                        + "' lacks global TRIGGER and EVENT privileges, so it cannot see whether other schemas "
                        + "still call it. Drop it by hand once no trigger or event calls it");
            } else {
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, Action.NONE, "still called by "
                        + usage.triggers() + " trigger(s) and " + usage.events() + " event(s) on the server");
            }
        }
    }
}
