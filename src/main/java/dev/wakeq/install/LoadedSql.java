package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;

/**
 * The "loaded" marks: a MEMORY table in each tenant schema whose rows say "this function was proven loaded on this
 * server since it last started". The trigger and the event call the function only while their row is there.
 *
 * <p>Why: MySQL 8 keeps a function whose library could not be opened at start-up in its function table with no
 * code behind it, and the first call jumps to a null pointer (signal 11; docs/design.md, "A function listed but not
 * loaded"). A MEMORY table is emptied by every server start before any trigger or event can run, so after a restart
 * nothing calls the function until the installer has checked it again. Rows are keyed by the server's identity
 * ({@code @@server_uuid} on MySQL, {@code @@server_id} on MariaDB), so a mark that reaches a replica through the
 * binary log does not arm the replica, which may lack the library.
 */
final class LoadedSql {

    /** Name of the marks table in every tenant schema. Dropping it makes the queue's INSERTs fail: the trigger reads it. */
    static final SqlIdentifier TABLE = SqlIdentifier.of("loaded marks table", "_wakeq_loaded");

    static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS %s.%s (
              server_key VARCHAR(64) NOT NULL,
              function_name VARCHAR(64) NOT NULL,
              PRIMARY KEY (server_key, function_name)
            ) ENGINE=MEMORY COMMENT='wakeq: functions proven loaded since this server started; the queue trigger reads it, do not drop'""";

    /** The guard the trigger and the event put around their call; the function name is a validated identifier. */
    static final String GUARD = """
            EXISTS (SELECT 1 FROM %s WHERE server_key = %s AND function_name = '%s')""";

    static final String IS_MARKED = """
            SELECT COUNT(*) FROM %s.%s WHERE server_key = %s AND function_name = ?""";

    static final String MARK = """
            INSERT IGNORE INTO %s.%s (server_key, function_name) VALUES (%s, ?)""";

    static final String UNMARK = """
            DELETE FROM %s.%s WHERE server_key = %s AND function_name = ?""";

    /**
     * MySQL 8: true when this run's error log (performance_schema.error_log, 8.0.22 and later) still holds the
     * server's first line, so nothing of the start-up was discarded from its bounded buffer, and has no
     * ER_FAILED_TO_OPEN_SHARED_LIBRARY (MY-010901) naming the library: then every function loading it opened at
     * start-up. False when the log says the open failed or no longer reaches back to the start; NULL when it cannot
     * be read. The installer asks it, and the sweep event asks it to re-mark a function after a restart on its own.
     * The library name is matched as a substring and {@code _} matches any character: at worst a false "failed"
     * (then the installer re-creates the function), never a false "loaded". No quotes in it: MySQL 8 shows a
     * stored event's doubled quotes undoubled, and the installer compares bodies.
     */
    static final String LOADED_AT_START_MYSQL = """
            ((SELECT MIN(LOGGED) FROM performance_schema.error_log) <= NOW(6) - INTERVAL (SELECT VARIABLE_VALUE \
            FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime') SECOND + INTERVAL 10 SECOND \
            AND NOT EXISTS (SELECT 1 FROM performance_schema.error_log WHERE ERROR_CODE = 'MY-010901' \
            AND DATA LIKE '%%%s%%'))""";

    /**
     * The sweep event's re-marking after a restart, before its guarded sweep. MySQL: {@link #LOADED_AT_START_MYSQL}.
     * MariaDB: call the function with no arguments; a function that is not loaded fails with 1305/1370 (MariaDB skips
     * such entries), which the handler turns into {@code dead = 1}; a loaded one returns an error code and sends
     * nothing.
     */
    static final String REMARK_MYSQL = """
            IF NOT %s AND %s THEN INSERT IGNORE INTO %s (server_key, function_name) VALUES (%s, '%s'); END IF;""";

    static final String REMARK_MARIADB = """
            IF NOT %s THEN DO %s(); IF dead = 0 THEN INSERT IGNORE INTO %s (server_key, function_name) \
            VALUES (%s, '%s'); END IF; END IF;""";

    private LoadedSql() {
    }

    /** The server's identity as the trigger reads it: a MySQL data directory's UUID, or MariaDB's server_id. */
    static String serverKey(ServerSql.Settings settings) {
        return settings.mariaDb() ? "@@server_id" : "@@server_uuid";
    }

    static String guard(String serverKey, SqlIdentifier function) {
        return GUARD.formatted(TABLE.quoted(), serverKey, function.name());
    }

    static String loadedAtStartOnMySql(String library) {
        return LOADED_AT_START_MYSQL.formatted(library);
    }

    /** The event's statements that set the mark when the function is loaded and the mark is missing. */
    static String remark(ServerSql.Settings settings, SqlIdentifier function, String library) {
        String key = serverKey(settings);
        String guard = guard(key, function);
        return settings.mariaDb()
                ? REMARK_MARIADB.formatted(guard, function.name(), TABLE.quoted(), key, function.name())
                : REMARK_MYSQL.formatted(guard, loadedAtStartOnMySql(library), TABLE.quoted(), key, function.name());
    }

    static void createTable(SqlExecutor sql, SqlIdentifier schema) throws SQLException {
        sql.execute(CREATE_TABLE.formatted(schema.quoted(), TABLE.quoted()));
    }

    static boolean isMarked(SqlExecutor sql, SqlIdentifier schema, String serverKey, SqlIdentifier function)
            throws SQLException {
        return sql.query(IS_MARKED.formatted(schema.quoted(), TABLE.quoted(), serverKey), rs -> rs.getInt(1),
                function.name()).get(0) > 0;
    }

    static void mark(SqlExecutor sql, SqlIdentifier schema, String serverKey, SqlIdentifier function)
            throws SQLException {
        sql.update(MARK.formatted(schema.quoted(), TABLE.quoted(), serverKey), function.name());
    }

    static void unmark(SqlExecutor sql, SqlIdentifier schema, String serverKey, SqlIdentifier function)
            throws SQLException {
        sql.update(UNMARK.formatted(schema.quoted(), TABLE.quoted(), serverKey), function.name());
    }
}
