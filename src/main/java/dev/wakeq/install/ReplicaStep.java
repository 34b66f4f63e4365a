package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import dev.wakeq.sql.SqlIdentifier;
import java.util.Optional;

/**
 * Checks, reading only, that a replica of the tenant's server lists the tenant's function with its library loaded, so
 * a failover to it keeps the wake-ups. Replicas are usually read only, so nothing is created or probed by creating:
 * MySQL 8 answers from its error log (a function created through replication after the start opened its library, or
 * replication would have stopped), MariaDB by calling the function with no arguments (safe there).
 */
final class ReplicaStep {

    private ReplicaStep() {
    }

    static void run(RunContext ctx) {
        String version = ctx.spec.functionVersion();
        SqlIdentifier fn = ObjectNames.function(version);
        String where = ctx.spec.dbHost() + ":" + ctx.spec.dbPort();
        Optional<FunctionSql.Found> found = ctx.attempt(new Need("SELECT", "`mysql`.`func`"),
                () -> FunctionSql.find(ctx.sql, fn));
        if (found == null) {
            ctx.report(Kind.FUNCTION, fn.name(), Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return;
        }
        if (found.isEmpty() || !found.get().matches(version)) {
            ctx.report(Kind.FUNCTION, fn.name(), found.isEmpty() ? Found.ABSENT : Found.OUTDATED, Action.SKIPPED, "");
            ctx.problem(found.isEmpty() ? Reason.UdfLibraryMissing : Reason.FunctionConflict, "replica " + where
                    + (found.isEmpty() ? " does not list function " + fn.name() + ": its CREATE FUNCTION did not "
                    + "reach it (replication stops with error 1126 when " + ObjectNames.library(version) + " is "
                    + "missing there). Put the library on the replica and restart its replication"
                    : " has a function " + fn.name() + " that loads " + found.get().library() + ", not "
                    + ObjectNames.library(version)));
            return;
        }
        ctx.report(Kind.FUNCTION, fn.name(), Found.CURRENT, Action.NONE, "");
        ServerSql.Settings settings = ctx.settings();
        Boolean loaded = settings.mariaDb()
                ? ctx.attempt(new Need("EXECUTE", "function " + fn.name()),
                        () -> LoadProbeSql.answersOnMariaDb(ctx.sql, fn))
                : ctx.attempt(new Need("SELECT", "performance_schema.error_log and global_status"),
                        () -> LoadProbeSql.loadedAtStartOnMySql(ctx.sql, ObjectNames.library(version)));
        if (Boolean.TRUE.equals(loaded)) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.CURRENT, Action.NONE, "");
            return;
        }
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.OUTDATED, Action.SKIPPED, "");
        if (loaded != null) {
            ctx.problem(Reason.FunctionNotLoaded, "replica " + where + " lists function " + fn.name() + " but "
                    + ObjectNames.library(version) + " was missing from " + settings.pluginDir() + " when it started: "
                    + "after a failover to it the tenant gets no wake-ups. Put the file there and restart the replica");
        }
    }
}
