package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code BEFORE INSERT} trigger that sends a UDP wake-up (mode 0) for every row (the function coalesces them). Target and key are written
 * into the body as literals: they were validated as an IP literal and {@code [A-Za-z0-9_.-]}, so they cannot
 * leave the quotes.
 */
final class TriggerSql {

    static final String FIND = """
            SELECT EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT
              FROM information_schema.TRIGGERS
             WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?""";

    // The fifth argument names the inserting statement within its session (@@timestamp is the triggering statement's
    // start time, to the microsecond; the function adds the session's thread), so the function sends one datagram
    // per 100 ms for a multi-row INSERT instead of one per 5 ms (udf-image/README.md). A DOUBLE reaches the function
    // unconverted: CONCAT(CONNECTION_ID(), '/', NOW(6)) cost the server about 5,000 more instructions per row
    // (udf-image/bench/insert-cost-callgrind.sh).
    // The handler: nothing wakeq's call does may fail the INSERT (a function dropped or not loaded answers 1305 or
    // 1370 on MariaDB; a parse the table kept from before the function loaded calls a stored function of its name).
    // On MySQL 8 the call waits for the function's loaded mark (LoadedSql): there a call of a function whose library
    // was missing at start-up kills the server.
    static final String BODY = """
            BEGIN DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; %s%s END""";

    static final String CALL = """
            %s('%s', %d, '%s', 0, @@timestamp)""";

    static final String CREATE = """
            CREATE TRIGGER %s.%s BEFORE INSERT ON %s.%s FOR EACH ROW
            %s""";

    // The swap: a WRITE lock keeps every INSERT out while there is no trigger (NOTES.md: plain DROP + CREATE let
    // 4-8% of rows through untriggered; under the lock none). All four on one connection; UNLOCK in finally.
    static final String LOCK = """
            LOCK TABLES %s.%s WRITE""";

    static final String DROP = """
            DROP TRIGGER IF EXISTS %s.%s""";

    static final String UNLOCK = """
            UNLOCK TABLES""";

    /** A trigger row from information_schema. */
    record Found(String table, String timing, String manipulation, String body) {
    }

    // Statements placed before the call in the body. Empty in production; a test uses it to make every row
    // carry proof that the trigger ran (see FunctionReleaseUnderLoadTest).
    private final String prelude;

    TriggerSql(String prelude) {
        this.prelude = prelude;
    }

    String body(TenantSpec spec, ServerSql.Settings settings) {
        SqlIdentifier fn = ObjectNames.function(spec.functionVersion());
        String call = CALL.formatted(fn.name(), spec.wakeHost(), spec.wakePort(), spec.tenantKey());
        return BODY.formatted(prelude, settings.mariaDb() ? "DO " + call + ";" : LoadedSql.triggerCall(fn, call));
    }

    /** Null when the trigger is as desired, else what differs. */
    String difference(Found found, TenantSpec spec, ServerSql.Settings settings) {
        if (!found.table().equals(spec.queueTable().name())) {
            return "on table " + found.table();
        }
        if (!"BEFORE".equalsIgnoreCase(found.timing()) || !"INSERT".equalsIgnoreCase(found.manipulation())) {
            return "fires " + found.timing() + " " + found.manipulation();
        }
        return found.body().strip().equals(body(spec, settings)) ? null : "body differs: " + found.body().strip();
    }

    static Optional<Found> find(SqlExecutor sql, TenantSpec spec) throws SQLException {
        List<Found> rows = sql.query(FIND, rs -> new Found(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4)), spec.schema().name(), ObjectNames.trigger(spec.queueTable()).name());
        return rows.stream().findFirst();
    }

    void create(SqlExecutor sql, TenantSpec spec, ServerSql.Settings settings) throws SQLException {
        sql.execute(CREATE.formatted(spec.schema().quoted(), ObjectNames.trigger(spec.queueTable()).quoted(),
                spec.schema().quoted(), spec.queueTable().quoted(), body(spec, settings)));
    }

    /**
     * Drops and re-creates the trigger while the queue table is write-locked, so no INSERT runs without it. If the
     * new trigger cannot be created, the old one is put back before the lock is released.
     */
    void replace(SqlExecutor sql, TenantSpec spec, ServerSql.Settings settings, Found old) throws SQLException {
        ServerSql.boundLockWait(sql);
        sql.execute(LOCK.formatted(spec.schema().quoted(), spec.queueTable().quoted()));
        SQLException failure = null;
        try {
            drop(sql, spec);
            try {
                create(sql, spec, settings);
            } catch (SQLException e) {
                restore(sql, spec, old, e);
                throw e;
            }
        } catch (SQLException e) {
            failure = e;
        } finally {
            failure = unlock(sql, failure);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void restore(SqlExecutor sql, TenantSpec spec, Found old, SQLException cause) {
        try {
            sql.execute(CREATE.formatted(spec.schema().quoted(), ObjectNames.trigger(spec.queueTable()).quoted(),
                    spec.schema().quoted(), SqlIdentifier.of("trigger table", old.table()).quoted(), old.body())
                    .replace(" BEFORE INSERT ", " " + old.timing() + " " + old.manipulation() + " "));
        } catch (SQLException | IllegalArgumentException e) {
            cause.addSuppressed(e);
        }
    }

    private static SQLException unlock(SqlExecutor sql, SQLException failure) {
        try {
            sql.execute(UNLOCK);
            return failure;
        } catch (SQLException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    static void drop(SqlExecutor sql, TenantSpec spec) throws SQLException {
        sql.execute(DROP.formatted(spec.schema().quoted(), ObjectNames.trigger(spec.queueTable()).quoted()));
    }
}
