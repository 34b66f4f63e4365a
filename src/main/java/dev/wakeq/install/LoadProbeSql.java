package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Asks a server whether a listed function has code behind it, without ever calling one that might not (docs/design.md,
 * "A function listed but not loaded"). The servers differ:
 * <ul>
 *   <li>MariaDB skips a function whose library did not open when it looks the name up, so a call answers error 1305
 *       and runs nothing. Calling the function with no arguments is safe either way: wakeq's function sends nothing
 *       for a wrong argument count and returns an error code.</li>
 *   <li>MySQL 8 hands out the dead entry and the call jumps to a null pointer. What tells them apart is the error log:
 *       the server writes {@code ER_FAILED_TO_OPEN_SHARED_LIBRARY} naming the library when the open fails at start-up,
 *       and {@code performance_schema.error_log} (8.0.22 and later) holds this run's lines.</li>
 * </ul>
 */
final class LoadProbeSql {

    /** MariaDB only. */
    static final String CALL_WITHOUT_ARGUMENTS = """
            SELECT %s()""";

    /** MySQL 8 only: LoadedSql.LOADED_AT_START as a query. */
    static final String LOADED_AT_START = """
            SELECT %s""";

    /**
     * The schemas whose triggers or events call the function: the only places a mark for it can be. Like
     * {@link FunctionSql#USAGE} this spans schemas on purpose (the function is server-global), and it runs only when a
     * function was found not loaded, never in a steady-state check.
     */
    static final String CALLER_SCHEMAS = """
            SELECT TRIGGER_SCHEMA FROM information_schema.TRIGGERS WHERE LOWER(ACTION_STATEMENT) REGEXP ?
            UNION
            SELECT EVENT_SCHEMA FROM information_schema.EVENTS WHERE LOWER(EVENT_DEFINITION) REGEXP ?""";

    /**
     * Whether a library file is in the plugin dir, asked without changing anything: the server opens the file before
     * it looks for the function's symbol, so a name the library does not export fails with 1127 when the file is
     * there and with 1126 when it is not, and nothing reaches mysql.func or the binary log either way.
     */
    static final String OPEN_LIBRARY = """
            CREATE FUNCTION wakeq_library_probe RETURNS INTEGER SONAME '%s'""";

    private static final int ER_CANT_OPEN_LIBRARY = 1126;
    private static final int ER_CANT_FIND_DL_ENTRY = 1127;

    static final String LOCK = """
            SELECT GET_LOCK(?, ?)""";

    static final String UNLOCK = """
            SELECT RELEASE_LOCK(?)""";

    /**
     * Errors 1305 and 1370: MariaDB found no loaded function of that name and looked for a stored function instead,
     * which does not exist (1305) or which the account may not execute (1370, checked before existence).
     */
    private static final Set<Integer> NO_LOADED_FUNCTION = Set.of(1305, 1370);

    private LoadProbeSql() {
    }

    /** MariaDB: true when the function answers, false when the server says it does not exist. */
    static boolean answersOnMariaDb(SqlExecutor sql, SqlIdentifier function) throws SQLException {
        try {
            sql.query(CALL_WITHOUT_ARGUMENTS.formatted(function.quoted()), rs -> rs.getLong(1));
            return true;
        } catch (SQLException e) {
            if (NO_LOADED_FUNCTION.contains(e.getErrorCode())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * MySQL 8: TRUE when the error log proves the library opened at start-up, FALSE when it says it did not or no
     * longer reaches back to the start, null when it cannot be read (no privilege, or MySQL before 8.0.22).
     */
    static Boolean loadedAtStartOnMySql(SqlExecutor sql, String library) throws SQLException {
        Object answer = sql.query(LOADED_AT_START.formatted(LoadedSql.loadedAtStart(library)),
                rs -> rs.getObject(1)).get(0);
        return answer == null ? null : ((Number) answer).intValue() == 1;
    }

    /** True when the server can open the library now. The name is ObjectNames.library's: [a-z0-9_.] only. */
    static boolean libraryOpens(SqlExecutor sql, String library) throws SQLException {
        try {
            sql.execute(OPEN_LIBRARY.formatted(library));
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_CANT_FIND_DL_ENTRY) {
                return true;
            }
            if (e.getErrorCode() == ER_CANT_OPEN_LIBRARY) {
                return false;
            }
            throw e;
        }
        // A library that exports the probe's name is not wakeq's; take the function away again.
        sql.execute("DROP FUNCTION IF EXISTS wakeq_library_probe");
        return true;
    }

    static List<String> callerSchemas(SqlExecutor sql, SqlIdentifier function) throws SQLException {
        String pattern = function.name().toLowerCase() + "([^a-z0-9_$]|$)";
        return new ArrayList<>(sql.query(CALLER_SCHEMAS, rs -> rs.getString(1), pattern, pattern));
    }

    /** A server-wide named lock, so two installers never drop and re-create one function at once. */
    static boolean lock(SqlExecutor sql, String name, int seconds) throws SQLException {
        return sql.query(LOCK, rs -> rs.getInt(1), name, seconds).get(0) == 1;
    }

    static void unlock(SqlExecutor sql, String name) throws SQLException {
        sql.query(UNLOCK, rs -> rs.getObject(1), name);
    }
}
