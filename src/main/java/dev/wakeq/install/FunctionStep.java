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
                Action action = dropUnused(ctx, fn);
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, action, action == Action.NONE
                        ? "no trigger or event calls it; another installer dropped it first"
                        : "no trigger or event calls it");
            } else if (!usage.visibleEverywhere()) {
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, Action.SKIPPED, "cannot see all schemas");
                ctx.note(Reason.OldFunctionKept, "kept function " + fn.name() + ": user '" + ctx.spec.user()
                        + "' lacks global TRIGGER and EVENT privileges, so it cannot see whether other schemas "
                        + "still call it. Drop it by hand once no trigger or event calls it");
            } else {
                ctx.report(Kind.OLD_FUNCTION, fn.name(), Found.CURRENT, Action.NONE, "still called by "
                        + usage.triggers() + " trigger(s) and " + usage.events() + " event(s) on the server");
            }
        }
    }

    /**
     * DROPPED, or NONE when another installer dropped the function first. The operator reconciles the tenants
     * of one server in parallel, and each that finds the old version unused drops it; the later DROP FUNCTION
     * IF EXISTS then fails (MySQL 8: 1128 "not defined"; both servers, once the UDF is gone: they look for a
     * stored function of that name instead and answer 1370 without ALTER ROUTINE). That is no problem when
     * mysql.func no longer has the function, so the failure is reported only when it still does.
     */
    private static Action dropUnused(RunContext ctx, SqlIdentifier fn) {
        Need drop = new Need("DELETE", "`mysql`.`func` (DROP FUNCTION " + fn.name() + ")");
        try {
            FunctionSql.drop(ctx.sql, fn);
            return Action.DROPPED;
        } catch (SQLException e) {
            Optional<FunctionSql.Found> left = ctx.attempt(new Need("SELECT", "`mysql`.`func`"),
                    () -> FunctionSql.find(ctx.sql, fn));
            if (left != null && left.isEmpty()) {
                return Action.NONE;
            }
            ctx.fail(e, drop);
            return Action.SKIPPED;
        }
    }
}
