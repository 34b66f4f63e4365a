package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.List;

/**
 * Proves the tenant's function is loaded on this server, not just listed in {@code mysql.func}. MySQL 8: sets the
 * tenant's mark, which is what lets its trigger and event call the function (see {@link LoadedSql}); MariaDB: asks
 * the function (a function that is not loaded answers 1305 there, and the bodies' handler swallows that). A function
 * found listed but not loaded is dropped and created again once its library opens and nothing can be calling it,
 * which loads it; until then the report carries {@link Reason#FunctionNotLoaded} and the tenant's inserts go on
 * without wake-ups (the operator sweeps it).
 */
final class LoadedStep {

    private static final int REPAIR_LOCK_SECONDS = 10;

    private enum Loaded { YES, NO, UNKNOWN }

    /** UNTRIED: whether the file opens was not asked (inspect) or could not be (a privilege); NOT_NOW: it opens. */
    private enum Repair { DONE, LIBRARY_MISSING, UNTRIED, NOT_NOW }

    /** Swaps the trigger for an identical one, so every session parses its body again; true when done. */
    @FunctionalInterface
    interface Renew {
        boolean run();
    }

    private LoadedStep() {
    }

    /**
     * True when the function is proven loaded (and, on MySQL, the tenant marked). {@code renewWhenLoaded}: the
     * tenant's last run found the function not loaded, so its trigger may keep a parse from then (MariaDB parses the
     * name as a stored function while the function is not loaded, and keeps that parse while the table stays open).
     */
    static boolean run(RunContext ctx, boolean marksReady, boolean functionListed, boolean renewWhenLoaded,
                       Renew renew) {
        SqlIdentifier fn = ObjectNames.function(ctx.spec.functionVersion());
        ServerSql.Settings settings = ctx.settings();
        if (!marksReady || !functionListed || settings == null) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.UNKNOWN, Action.SKIPPED,
                    marksReady ? "waiting for the function" : "waiting for " + LoadedSql.TABLE.name());
            return false;
        }
        boolean mariaDb = settings.mariaDb();
        Need readMarks = new Need("SELECT", ctx.qualified(LoadedSql.TABLE.name()));
        Boolean marked = mariaDb ? Boolean.FALSE
                : ctx.attempt(readMarks, () -> LoadedSql.isMarked(ctx.sql, ctx.spec.schema(), fn));
        if (marked == null) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return false;
        }
        if (marked && !renewWhenLoaded) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.CURRENT, Action.NONE, "");
            return true;
        }
        Loaded loaded = marked ? Loaded.YES : mariaDb ? answers(ctx, fn) : loadedOnMySql(ctx, fn);
        if (loaded == Loaded.YES) {
            if (renewWhenLoaded) {
                return loadedAgain(ctx, fn, marked, "loaded again", renew);
            }
            return mariaDb ? current(ctx, fn) : loadedAgain(ctx, fn, false, "", () -> true);
        }
        Repair repair = ctx.write ? repair(ctx, mariaDb, fn) : Repair.UNTRIED;
        if (repair == Repair.DONE) {
            return loadedAgain(ctx, fn, false, "dropped and created again: it was listed but not loaded", renew);
        }
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.OUTDATED, Action.SKIPPED,
                loaded == Loaded.NO ? "listed but not loaded" : "cannot tell whether it is loaded");
        ctx.problem(Reason.FunctionNotLoaded, notLoadedMessage(ctx, settings, loaded, repair));
        return false;
    }

    private static boolean current(RunContext ctx, SqlIdentifier fn) {
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), Found.CURRENT, Action.NONE, "");
        return true;
    }

    /** MariaDB: the function called with no arguments answers with an error code when loaded, 1305/1370 when not. */
    private static Loaded answers(RunContext ctx, SqlIdentifier fn) {
        Boolean answers = ctx.attempt(new Need("EXECUTE", "function " + fn.name()),
                () -> LoadProbeSql.answersOnMariaDb(ctx.sql, fn));
        return answers == null ? Loaded.UNKNOWN : answers ? Loaded.YES : Loaded.NO;
    }

    private static Loaded loadedOnMySql(RunContext ctx, SqlIdentifier fn) {
        String library = ObjectNames.library(ctx.spec.functionVersion());
        Boolean atStart = ctx.attempt(new Need("SELECT", "performance_schema.error_log and global_status"),
                () -> LoadProbeSql.loadedAtStartOnMySql(ctx.sql, library));
        if (Boolean.TRUE.equals(atStart)) {
            return Loaded.YES;
        }
        // The log says the open failed at start (or cannot be read); it still says so after someone re-created the
        // function, so a mark anywhere on the server for this function is what proves it was re-created since. No
        // renewal needed here: MySQL looks the function up by name again each time a statement calling it runs.
        if (Boolean.TRUE.equals(markedElsewhere(ctx, fn))) {
            return Loaded.YES;
        }
        return atStart == null ? Loaded.UNKNOWN : Loaded.NO;
    }

    /** True if another schema holds a mark for the function, false if none does, null if some could not be read. */
    private static Boolean markedElsewhere(RunContext ctx, SqlIdentifier fn) {
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
                if (LoadedSql.isMarked(ctx.sql, SqlIdentifier.of("schema", name), fn)) {
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
     * Once the library file is back, drops and creates the function again under a server-wide lock, which loads it.
     * On MySQL only when nothing can be calling it: no schema holds a mark for it (a mark is the only thing that lets
     * a trigger call it); on MariaDB its callers get error 1305 until then either way, which their handler swallows.
     * While the file is missing the dead entry stays listed (on MySQL uncalled).
     */
    private static Repair repair(RunContext ctx, boolean mariaDb, SqlIdentifier fn) {
        String library = ObjectNames.library(ctx.spec.functionVersion());
        Boolean opens = ctx.attempt(new Need("INSERT", "`mysql`.`func` (to test that " + library + " opens)"),
                () -> LoadProbeSql.libraryOpens(ctx.sql, library));
        if (!Boolean.TRUE.equals(opens)) {
            return opens == null ? Repair.UNTRIED : Repair.LIBRARY_MISSING;
        }
        String lock = "wakeq_load_" + fn.name();
        Boolean locked = ctx.attempt(new Need("EXECUTE", "GET_LOCK"),
                () -> LoadProbeSql.lock(ctx.sql, lock, REPAIR_LOCK_SECONDS));
        if (!Boolean.TRUE.equals(locked)) {
            return Repair.NOT_NOW;
        }
        try {
            // Again under the lock: another installer may have repaired it meanwhile.
            if (mariaDb) {
                Loaded now = answers(ctx, fn);
                if (now != Loaded.NO) {
                    return now == Loaded.YES ? Repair.DONE : Repair.NOT_NOW;
                }
            } else {
                Boolean elsewhere = markedElsewhere(ctx, fn);
                if (elsewhere == null || elsewhere) {
                    return elsewhere == null ? Repair.NOT_NOW : Repair.DONE;
                }
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
     * The function is loaded (again): renews the trigger when asked, marks the tenant on MySQL, and sends one sweep
     * through the function, since rows inserted meanwhile got no wake-up.
     */
    private static boolean loadedAgain(RunContext ctx, SqlIdentifier fn, boolean marked, String detail,
                                       Renew renew) {
        Found before = marked ? Found.CURRENT : detail.isEmpty() ? Found.ABSENT : Found.OUTDATED;
        if (!ctx.write) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, Action.SKIPPED, "would be marked loaded");
            return false;
        }
        if (!renew.run()) {
            ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, Action.SKIPPED, "the trigger could not be renewed");
            return false;
        }
        boolean done = marked || ctx.settings().mariaDb()
                || ctx.attemptTo(new Need("INSERT", ctx.qualified(LoadedSql.TABLE.name())),
                        () -> LoadedSql.mark(ctx.sql, ctx.spec.schema(), fn));
        ctx.report(Kind.FUNCTION_LOADED, fn.name(), before, done ? Action.CREATED : Action.SKIPPED, detail);
        if (done) {
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
                    + "; until then its trigger and event do not call it and the operator sweeps the tenant";
        }
        String head = "function " + ObjectNames.function(version).name() + " is listed on " + where + " but not "
                + "loaded: " + library + " was missing from " + settings.pluginDir() + " when the server started";
        String tail = ". Until then inserts go on without wake-ups and the operator sweeps the tenant at every retry";
        if (repair == Repair.UNTRIED) {
            return head + ". Put the file there if it is still missing (the wakeq-udf init container or wakeq-install, "
                    + "on every server of a replication topology); wakeq then re-creates the function by itself" + tail;
        }
        if (repair == Repair.LIBRARY_MISSING) {
            return head + " and is still missing. Put the file there (the wakeq-udf init container or wakeq-install, "
                    + "on every server of a replication topology); wakeq then re-creates the function by itself" + tail;
        }
        return head + ". The file is back, but the function could not be re-created yet (see the other problems; "
                + "another installer may hold the lock " + "wakeq_load_" + ObjectNames.function(version).name()
                + ", or a schema whose trigger calls it could not be read)" + tail;
    }
}
