package dev.wakeq.install;

import dev.wakeq.install.ObjectReport.Action;
import dev.wakeq.install.ObjectReport.Found;
import dev.wakeq.install.ObjectReport.Kind;
import dev.wakeq.install.SqlErrors.Need;
import java.util.Map;

/**
 * Checks the queue and dead-letter tables and creates them when the spec asks for it; on MySQL 8 creates the marks
 * table ({@link LoadedSql}) in any case, since the trigger reads it.
 */
final class TableStep {

    /** Whether the trigger's tables exist after this step: the queue table (as a base table) and the marks table. */
    record Ready(boolean queue, boolean marks) {
    }

    private static final String BASE_TABLE = "BASE TABLE";

    private TableStep() {
    }

    static Ready run(RunContext ctx) {
        return run(ctx, true);
    }

    /** {@code marks} false for a Binlog tenant: nothing calls the function there, so nothing reads marks. */
    static Ready run(RunContext ctx, boolean marks) {
        TenantSpec spec = ctx.spec;
        String queue = spec.queueTable().name();
        String dead = spec.deadLetterTable().name();
        Map<String, TableSql.Found> found = ctx.attempt(new Need("SELECT", "information_schema.TABLES"),
                () -> TableSql.find(ctx.sql, spec));
        if (found == null) {
            ctx.report(Kind.QUEUE_TABLE, queue, Found.UNKNOWN, Action.SKIPPED, "could not be read");
            ctx.report(Kind.DEAD_LETTER_TABLE, dead, Found.UNKNOWN, Action.SKIPPED, "could not be read");
            return new Ready(false, false);
        }
        boolean queueReady = queue(ctx, typeOf(found.get(queue)));
        deadLetter(ctx, typeOf(found.get(dead)));
        return new Ready(queueReady, !marks || marks(ctx, found.get(LoadedSql.TABLE.name())));
    }

    private static String typeOf(TableSql.Found found) {
        return found == null ? null : found.type();
    }

    /**
     * MySQL 8 only (LoadedSql); a failure is reported by LoadedStep, as what the mark waits for. Only a MEMORY table
     * is emptied by a restart: in any other engine a mark would outlive the restart that unloaded the function.
     */
    private static boolean marks(RunContext ctx, TableSql.Found found) {
        ServerSql.Settings settings = ctx.settings();
        if (settings != null && settings.mariaDb()) {
            return true;
        }
        if (found != null) {
            if ("MEMORY".equalsIgnoreCase(found.engine())) {
                return true;
            }
            String table = ctx.qualified(LoadedSql.TABLE.name());
            ctx.problem(Reason.MarksTableNotMemory, table + " is " + found.engine() + ", not MEMORY: its rows would "
                    + "survive a restart and let the trigger call a function whose library did not load (MySQL 8 "
                    + "crashes). Run ALTER TABLE " + table + " ENGINE=MEMORY, then TRUNCATE TABLE " + table
                    + "; wakeq marks nothing until then");
            return false;
        }
        return ctx.write && ctx.attemptTo(new Need("CREATE", ctx.qualified(LoadedSql.TABLE.name())),
                () -> LoadedSql.createTable(ctx.sql, ctx.spec.schema()));
    }

    private static boolean queue(RunContext ctx, String type) {
        TenantSpec spec = ctx.spec;
        String name = spec.queueTable().name();
        if (BASE_TABLE.equals(type)) {
            ctx.report(Kind.QUEUE_TABLE, name, Found.CURRENT, Action.NONE, "");
            return true;
        }
        if (type != null) {
            ctx.report(Kind.QUEUE_TABLE, name, Found.OUTDATED, Action.SKIPPED, "is a " + type);
            ctx.problem(Reason.QueueTableMissing, ctx.qualified(name) + " is a " + type + ", not a table: "
                    + "triggers need a base table; point queueTable at the table itself");
            return false;
        }
        if (!spec.createQueueTable()) {
            ctx.report(Kind.QUEUE_TABLE, name, Found.ABSENT, Action.SKIPPED, "createQueueTable is off");
            ctx.problem(Reason.QueueTableMissing, "queue table " + ctx.qualified(name) + " does not exist: create "
                    + "it (columns in docs/design.md) or set createQueueTable to let wakeq create it");
            return false;
        }
        if (!ctx.write) {
            ctx.report(Kind.QUEUE_TABLE, name, Found.ABSENT, Action.SKIPPED, "would be created");
            return false;
        }
        boolean created = ctx.attemptTo(new Need("CREATE", ctx.qualified(name)),
                () -> TableSql.createQueue(ctx.sql, spec.queueTable()));
        ctx.report(Kind.QUEUE_TABLE, name, Found.ABSENT, created ? Action.CREATED : Action.SKIPPED, "");
        return created;
    }

    private static void deadLetter(RunContext ctx, String type) {
        TenantSpec spec = ctx.spec;
        String name = spec.deadLetterTable().name();
        if (type != null) {
            ctx.report(Kind.DEAD_LETTER_TABLE, name, Found.CURRENT, Action.NONE, "");
        } else if (!spec.createQueueTable()) {
            ctx.report(Kind.DEAD_LETTER_TABLE, name, Found.ABSENT, Action.NONE, "not managed: createQueueTable is off");
        } else if (!ctx.write) {
            ctx.report(Kind.DEAD_LETTER_TABLE, name, Found.ABSENT, Action.SKIPPED, "would be created");
        } else {
            boolean created = ctx.attemptTo(new Need("CREATE", ctx.qualified(name)),
                    () -> TableSql.createDeadLetter(ctx.sql, spec.deadLetterTable()));
            ctx.report(Kind.DEAD_LETTER_TABLE, name, Found.ABSENT, created ? Action.CREATED : Action.SKIPPED, "");
        }
    }
}
