package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loadable function {@code wakeq_notify_<version>}. Functions are server-global: every tenant schema on the
 * server shares one, so creating tolerates "already exists" and dropping first proves nothing calls it.
 */
final class FunctionSql {

    /** {@code mysql.func} exists on MariaDB 10.11 and MySQL 8.0 alike; ret 2 is INTEGER. */
    static final String FIND = """
            SELECT ret, dl, type
              FROM mysql.func
             WHERE name = ?""";

    static final String CREATE = """
            CREATE FUNCTION %s RETURNS INTEGER SONAME '%s'""";

    /**
     * How many triggers and events anywhere on the server call a function, and whether this account can see
     * them all. This is the one query that spans schemas, on purpose: the function is server-global, so the
     * question "may it be dropped" is about every tenant on the server, not about this one. Dropping a function
     * a trigger still calls makes that tenant's INSERTs fail (NOTES.md). It matches on the function name, not on
     * wakeq's object prefixes, so a hand-written trigger calling it also keeps it alive. It runs only after a
     * version change, never in a steady-state reconcile. information_schema shows only objects the account has
     * privileges on, so without global TRIGGER and EVENT privileges the count proves nothing and the caller
     * keeps the function.
     */
    static final String USAGE = """
            SELECT (SELECT COUNT(DISTINCT PRIVILEGE_TYPE)
                      FROM information_schema.USER_PRIVILEGES
                     WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                                            SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
                       AND PRIVILEGE_TYPE IN ('TRIGGER', 'EVENT')) AS global_privileges,
                   (SELECT COUNT(*) FROM information_schema.TRIGGERS
                     WHERE LOWER(ACTION_STATEMENT) REGEXP ?) AS triggers,
                   (SELECT COUNT(*) FROM information_schema.EVENTS
                     WHERE LOWER(EVENT_DEFINITION) REGEXP ?) AS events""";

    static final String DROP = """
            DROP FUNCTION IF EXISTS %s""";

    private static final Pattern CALL = Pattern.compile("wakeq_notify_([a-z0-9_]{1,16})\\s*\\(");
    private static final int RET_INTEGER = 2;

    /** A row of mysql.func. */
    record Found(int ret, String library, String type) {
        boolean matches(String version) {
            return ret == RET_INTEGER && ObjectNames.library(version).equals(library)
                    && "function".equalsIgnoreCase(type);
        }
    }

    /** @param visibleEverywhere the account holds global TRIGGER and EVENT privileges */
    record Usage(boolean visibleEverywhere, int triggers, int events) {
        boolean unused() {
            return visibleEverywhere && triggers == 0 && events == 0;
        }
    }

    private FunctionSql() {
    }

    static Optional<Found> find(SqlExecutor sql, SqlIdentifier function) throws SQLException {
        List<Found> rows = sql.query(FIND, rs -> new Found(rs.getInt(1), rs.getString(2), rs.getString(3)),
                function.name());
        return rows.stream().findFirst();
    }

    static void create(SqlExecutor sql, String version) throws SQLException {
        sql.execute(CREATE.formatted(ObjectNames.function(version).quoted(), ObjectNames.library(version)));
    }

    static Usage usage(SqlExecutor sql, SqlIdentifier function) throws SQLException {
        // The name is [a-z0-9_] only, so it is a literal regular expression; the tail excludes v1 matching v10.
        String pattern = function.name().toLowerCase() + "([^a-z0-9_$]|$)";
        return sql.query(USAGE, rs -> new Usage(rs.getInt(1) == 2, rs.getInt(2), rs.getInt(3)), pattern, pattern)
                .get(0);
    }

    static void drop(SqlExecutor sql, SqlIdentifier function) throws SQLException {
        sql.execute(DROP.formatted(function.quoted()));
    }

    /** The version a trigger or event body calls, if it calls a wakeq function. */
    static Optional<String> calledVersion(String body) {
        Matcher m = CALL.matcher(body == null ? "" : body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
