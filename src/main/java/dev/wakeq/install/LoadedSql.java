package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;

/**
 * MySQL 8's loaded marks: a MEMORY table in each tenant schema whose rows say "this function was proven loaded on
 * this server since it last started". The trigger and the event call the function only while the row is there.
 *
 * <p>Why: MySQL 8 keeps a function whose library could not be opened at start-up in its function table with no code
 * behind it, and the first call jumps to a null pointer (signal 11; docs/design.md, "A function listed but not
 * loaded"). A MEMORY table is emptied by every server start before any trigger or event can run, so after a restart
 * nothing calls the function until it was checked again. Rows are keyed by {@code @@server_uuid} (one per data
 * directory), so a mark that reaches a replica through the binary log does not arm the replica, which may lack the
 * library. MariaDB needs none of this: it answers a call of such a function with error 1305, which the bodies'
 * handler swallows.
 *
 * <p>The trigger reads the table once per session and keeps a positive answer in a user variable: a session cannot
 * outlive a restart, and reading the table on every insert cost 33,000 server instructions an insert
 * (udf-image/bench/insert-cost-callgrind.sh), the cached form about 12,000.
 */
final class LoadedSql {

    /** Name of the marks table. Dropping it makes the queue's INSERTs fail: the trigger reads it. */
    static final SqlIdentifier TABLE = SqlIdentifier.of("loaded marks table", "_wakeq_loaded");

    static final String SERVER_KEY = "@@server_uuid";

    static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS %s.%s (
              server_key VARCHAR(64) NOT NULL,
              function_name VARCHAR(64) NOT NULL,
              PRIMARY KEY (server_key, function_name)
            ) ENGINE=MEMORY COMMENT='wakeq: functions proven loaded since this server started; the queue trigger \
            reads it, do not drop'""";

    /** The function name is a validated identifier. */
    static final String GUARD = """
            EXISTS (SELECT 1 FROM %s WHERE server_key = @@server_uuid AND function_name = '%s')""";

    /** The trigger's call: the mark read once per session (see the class comment), then the call. */
    static final String TRIGGER_CALL = """
            IF @%1$s IS NULL THEN IF %2$s THEN SET @%1$s = 1; END IF; END IF; IF @%1$s THEN DO %3$s; END IF;""";

    static final String IS_MARKED = """
            SELECT COUNT(*) FROM %s.%s WHERE server_key = @@server_uuid AND function_name = ?""";

    static final String MARK = """
            INSERT IGNORE INTO %s.%s (server_key, function_name) VALUES (?, ?)""";

    /**
     * True when this run's error log (performance_schema.error_log, 8.0.22 and later) still holds this run's first
     * line (MY-010116, "starting as process", logged no earlier than 10 s before the start), so nothing of the
     * start-up was discarded from its bounded buffer (the oldest lines go first), and has no
     * ER_FAILED_TO_OPEN_SHARED_LIBRARY (MY-010901) naming the library: then every function loading it opened at
     * start-up. False when the log says the open failed or no longer reaches back to the start; NULL when it cannot
     * be read. The installer asks it, and the sweep event asks it to mark a function again after a restart on its
     * own. The library name is matched as a substring and {@code _} matches any character: at worst a false
     * "failed" (then the installer re-creates the function), never a false "loaded". No quotes in it: MySQL 8 shows
     * a stored event's doubled quotes undoubled, and the installer compares bodies.
     */
    static final String LOADED_AT_START = """
            (EXISTS (SELECT 1 FROM performance_schema.error_log WHERE ERROR_CODE = 'MY-010116' AND LOGGED >= \
            NOW(6) - INTERVAL (SELECT VARIABLE_VALUE + 10 FROM performance_schema.global_status \
            WHERE VARIABLE_NAME = 'Uptime') SECOND) \
            AND NOT EXISTS (SELECT 1 FROM performance_schema.error_log WHERE ERROR_CODE = 'MY-010901' \
            AND DATA LIKE '%%%s%%'))""";

    /**
     * The sweep event's own marking after a restart, before its guarded sweep. The identity goes through a local
     * variable: with statement-based logging the INSERT is then logged with the value (NAME_CONST), so a replica
     * applying it does not mark itself with its own {@code @@server_uuid}.
     */
    static final String EVENT_DECLARE = """
            DECLARE wakeq_server VARCHAR(64) DEFAULT @@server_uuid; """;

    static final String EVENT_CALL = """
            IF NOT %1$s AND %2$s THEN INSERT IGNORE INTO %3$s (server_key, function_name) \
            VALUES (wakeq_server, '%4$s'); END IF; IF %1$s THEN DO %5$s; END IF;""";

    /** The identity, read first and written as a value, for the same reason as EVENT_DECLARE. */
    static final String SERVER_UUID = """
            SELECT @@server_uuid""";

    private LoadedSql() {
    }

    static String guard(SqlIdentifier function) {
        return GUARD.formatted(TABLE.quoted(), function.name());
    }

    /** The user variable a session keeps the mark in: one per function, so a release checks the new one. */
    static String sessionVariable(SqlIdentifier function) {
        return "wakeq_loaded_" + function.name();
    }

    static String triggerCall(SqlIdentifier function, String call) {
        return TRIGGER_CALL.formatted(sessionVariable(function), guard(function), call);
    }

    static String eventCall(SqlIdentifier function, String library, String call) {
        return EVENT_CALL.formatted(guard(function), loadedAtStart(library), TABLE.quoted(), function.name(), call);
    }

    static String loadedAtStart(String library) {
        return LOADED_AT_START.formatted(library);
    }

    static void createTable(SqlExecutor sql, SqlIdentifier schema) throws SQLException {
        sql.execute(CREATE_TABLE.formatted(schema.quoted(), TABLE.quoted()));
    }

    static boolean isMarked(SqlExecutor sql, SqlIdentifier schema, SqlIdentifier function) throws SQLException {
        return sql.query(IS_MARKED.formatted(schema.quoted(), TABLE.quoted()), rs -> rs.getInt(1), function.name())
                .get(0) > 0;
    }

    static void mark(SqlExecutor sql, SqlIdentifier schema, SqlIdentifier function) throws SQLException {
        String server = sql.query(SERVER_UUID, rs -> rs.getString(1)).get(0);
        sql.update(MARK.formatted(schema.quoted(), TABLE.quoted()), server, function.name());
    }
}
