package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.List;

/**
 * Proves the tenant's function is loaded on this server (not just listed in {@code mysql.func}) and sets the
 * tenant's mark, which is what lets its trigger and event call the function (see {@link LoadedSql}). A function
 * found listed but not loaded is dropped and created again when nothing can be calling it, which loads it if the
 * library is back; otherwise the tenant stays unmarked, its inserts go on without wake-ups (the operator sweeps it), and
 * the report carries {@link Reason#FunctionNotLoaded}.
 */
final class LoadedStep {

    private static final int REPAIR_LOCK_SECONDS = 10;

    private enum Loaded { YES, NO, UNKNOWN }

    private enum Repair { DONE, LIBRARY_MISSING, NOT_NOW }

    /** Makes the trigger's next run parse its body afresh; true when done (or nothing to do). */
    @FunctionalInterface
    interface Reparse {
        boolean run();
    }

    private LoadedStep() {
    }

    /** True when the function is proven loaded and this tenant is marked, so its trigger calls the function. */
    static boolean run(RunContext ctx, boolean tableReady, boolean functionListed, Reparse reparse) {
        String version = ctx.spec.functionVersion();
        SqlIdentifier fn = ObjectNames.function(version);
        ServerSql.Settings settings = ctx.settings();
        if (!tableReady || !functionListed || settings == null) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.UNKNOWN, Action.SKIPPED,
                    tableReady ? "waiting for the function" : "waiting for " + LoadedSql.TABLE.name());
            return false;
        }
        String key = LoadedSql.serverKey(settings);
        SqlIdentifier schema = ctx.spec.schema();
        String table = ctx.qualified(LoadedSql.TABLE.name());
        if (settings.mariaDb()) {
            // The steady state in one statement: marked, and the function answers.
            Boolean both = ctx.attempt(new Need("SELECT", table + " and EXECUTE on " + fn.name()),
                    () -> LoadProbeSql.markedAndAnswersOnMariaDb(ctx.sql, schema, key, fn));
            if (Boolean.TRUE.equals(both)) {
                ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.CURRENT, Action.NONE, "");
                return true;
            }
        }
        Boolean marked = ctx.attempt(new Need("SELECT", table), () -> LoadedSql.isMarked(ctx.sql, schema, key, fn));
        if (marked == null) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return false;
        }
        Loaded loaded = check(ctx, settings, fn, marked);
        if (loaded == Loaded.YES) {
            if (marked) {
                ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.CURRENT, Action.NONE, "");
                return true;
            }
            return mark(ctx, fn, key, Found.ABSENT, "", reparse);
        }
        if (marked && ctx.write) {
            // Only MariaDB gets here: its probe, not the mark, is the truth, and a mark can come from a restored dump.
            ctx.attemptTo(new Need("DELETE", table), () -> LoadedSql.unmark(ctx.sql, schema, key, fn));
        }
        Repair repair = ctx.write ? repair(ctx, settings, fn) : Repair.NOT_NOW;
        if (repair == Repair.DONE) {
            return mark(ctx, fn, key, Found.OUTDATED, "dropped and created again: it was listed but not loaded",
                    reparse);
        }
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.OUTDATED, Action.SKIPPED,
                loaded == Loaded.NO ? "listed but not loaded" : "cannot tell whether it is loaded");
        ctx.problem(Reason.FunctionNotLoaded, notLoadedMessage(ctx, settings, loaded, repair));
        return false;
    }

    private static Loaded check(RunContext ctx, ServerSql.Settings settings, SqlIdentifier fn, boolean marked) {
        if (settings.mariaDb()) {
            Boolean answers = ctx.attempt(new Need("EXECUTE", "function " + fn.name()),
                    () -> LoadProbeSql.answersOnMariaDb(ctx.sql, fn));
            return answers == null ? Loaded.UNKNOWN : answers ? Loaded.YES : Loaded.NO;
        }
        if (marked) {
            // A MEMORY table is empty after every start, so the mark was set by a check made since then.
            return Loaded.YES;
        }
        String library = ObjectNames.library(ctx.spec.functionVersion());
        Boolean atStart = ctx.attempt(new Need("SELECT", "performance_schema.error_log and global_status"),
                () -> LoadProbeSql.loadedAtStartOnMySql(ctx.sql, library));
        if (Boolean.TRUE.equals(atStart)) {
            return Loaded.YES;
        }
        // The log says the open failed at start (or cannot be read); it still says so after someone re-created the
        // function, so a mark anywhere on the server for this function is what proves it was re-created since.
        Boolean elsewhere = markedElsewhere(ctx, fn, LoadedSql.serverKey(settings));
        if (Boolean.TRUE.equals(elsewhere)) {
            return Loaded.YES;
        }
        return atStart == null ? Loaded.UNKNOWN : Loaded.NO;
    }

    /** True if another schema holds a mark for the function, false if none does, null if some could not be read. */
    private static Boolean markedElsewhere(RunContext ctx, SqlIdentifier fn, String key) {
        List<String> schemas = ctx.attempt(new Need("SELECT", "information_schema.TRIGGERS and EVENTS"),
                () -> LoadProbeSql.callerSchemas(ctx.sql, fn));
        if (schemas == null) {
            return null;
        }
        boolean unreadable = false;
        for (String name : schemas) {
            if (name.equals(ctx.spec.schema().name())) {
                continue;
            }
            try {
                if (LoadedSql.isMarked(ctx.sql, SqlIdentifier.of("schema", name), key, fn)) {
                    return true;
                }
            } catch (SQLException | IllegalArgumentException e) {
                // No marks table there (an older install), no privilege, or a name wakeq would not write.
                unreadable = true;
            }
        }
        return unreadable ? null : false;
    }

    /**
     * Once the library file is back, drops and creates the function again, under a server-wide lock, when nothing can
     * be calling it: no schema holds a mark for it (a mark is the only thing that lets a trigger call it). Creating
     * loads the library afresh. While the file is missing the dead entry stays listed, uncalled.
     */
    private static Repair repair(RunContext ctx, ServerSql.Settings settings, SqlIdentifier fn) {
        String library = ObjectNames.library(ctx.spec.functionVersion());
        Boolean opens = ctx.attempt(new Need("INSERT", "`mysql`.`func` (to test that " + library + " opens)"),
                () -> LoadProbeSql.libraryOpens(ctx.sql, library));
        if (!Boolean.TRUE.equals(opens)) {
            return opens == null ? Repair.NOT_NOW : Repair.LIBRARY_MISSING;
        }
        String lock = "wakeq_load_" + fn.name();
        Boolean locked = ctx.attempt(new Need("EXECUTE", "GET_LOCK"),
                () -> LoadProbeSql.lock(ctx.sql, lock, REPAIR_LOCK_SECONDS));
        if (!Boolean.TRUE.equals(locked)) {
            return Repair.NOT_NOW;
        }
        try {
            Boolean elsewhere = markedElsewhere(ctx, fn, LoadedSql.serverKey(settings));
            if (Boolean.TRUE.equals(elsewhere)) {
                return Repair.DONE;
            }
            if (elsewhere == null) {
                // Some caller's mark could not be read: dropping might break its inserts.
                return Repair.NOT_NOW;
            }
            String version = ctx.spec.functionVersion();
            boolean done = ctx.attemptTo(new Need("DELETE", "`mysql`.`func` (DROP FUNCTION " + fn.name() + ")"),
                    () -> FunctionSql.drop(ctx.sql, fn))
                    && ctx.attemptTo(new Need("INSERT", "`mysql`.`func` (CREATE FUNCTION " + fn.name() + ")"),
                    () -> FunctionSql.create(ctx.sql, version));
            return done ? Repair.DONE : Repair.NOT_NOW;
        } finally {
            ctx.attemptTo(new Need("EXECUTE", "RELEASE_LOCK"), () -> LoadProbeSql.unlock(ctx.sql, lock));
        }
    }

    /**
     * Sets the mark, after the trigger was made to parse its body again: a trigger a session opened while the function
     * was not loaded keeps a parse that calls a stored function of that name (MariaDB fails the INSERT with 1370 or
     * 1305 once the guard lets the call through; FunctionNotLoadedOnServerTest saw it).
     */
    private static boolean mark(RunContext ctx, SqlIdentifier fn, String key, Found before, String detail,
                                Reparse reparse) {
        if (!ctx.write) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, Action.SKIPPED, "would be marked loaded");
            return false;
        }
        if (!reparse.run()) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, Action.SKIPPED, "the trigger could not be renewed");
            return false;
        }
        boolean done = ctx.attemptTo(new Need("INSERT", ctx.qualified(LoadedSql.TABLE.name())),
                () -> LoadedSql.mark(ctx.sql, ctx.spec.schema(), key, fn));
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, done ? Action.CREATED : Action.SKIPPED, detail);
        if (done) {
            // Rows inserted while the tenant was unmarked got no wake-up: one sweep lets the workers find them now.
            ctx.attemptTo(new Need("EXECUTE", "function " + fn.name()), () -> EventSql.sweepNow(ctx.sql, ctx.spec));
        }
        return done;
    }

    private static String notLoadedMessage(RunContext ctx, ServerSql.Settings settings, Loaded loaded,
                                           Repair repair) {
        String version = ctx.spec.functionVersion();
        String where = ctx.spec.dbHost() + ":" + ctx.spec.dbPort();
        String library = ObjectNames.library(version);
        if (loaded == Loaded.UNKNOWN) {
            return "cannot tell whether function " + ObjectNames.function(version).name() + " is loaded on " + where
                    + (settings.mariaDb() ? "" : ": grant SELECT on performance_schema.error_log (MySQL 8.0.22 or "
                    + "later) and SELECT on every schema whose trigger calls it")
                    + "; until then its trigger and event do not call it and workers sweep the tenant";
        }
        String head = "function " + ObjectNames.function(version).name() + " is listed on " + where + " but not "
                + "loaded: " + library + " was missing from " + settings.pluginDir() + " when the server started";
        String tail = ". Until then inserts go on without wake-ups and the operator sweeps the tenant at every retry";
        if (repair == Repair.LIBRARY_MISSING) {
            return head + " and is still missing. Put the file there (the wakeq-udf init container or wakeq-install, "
                    + "on every server of a replication topology); wakeq then re-creates the function by itself" + tail;
        }
        return head + ". The file is back, but the function could not be re-created yet (see the other problems; "
                + "another installer may hold the lock " + "wakeq_load_" + ObjectNames.function(version).name()
                + ", or a schema whose trigger calls it could not be read)" + tail;
    }
}
