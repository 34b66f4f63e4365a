package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The safety-net event: every N minutes it calls the function in TCP mode (mode 1), so a lost datagram delays a
 * job by at most N minutes. Like the trigger it calls only while the tenant's loaded mark is there; after a restart
 * emptied the marks it first checks the function itself and sets the mark again (LoadedSql), so wake-ups come back
 * within one sweep interval even without the operator. A change is applied with one {@code ALTER EVENT}, which is
 * atomic.
 */
final class EventSql {

    static final String FIND = """
            SELECT EVENT_DEFINITION, INTERVAL_VALUE, INTERVAL_FIELD, STATUS
              FROM information_schema.EVENTS
             WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?""";

    // The handler: no error of wakeq's (a function not loaded answers 1305 on MariaDB) ends each sweep with an error
    // logged. On MySQL 8 the call waits for the loaded mark, which the event sets again after a restart when the
    // error log shows the library opened at start-up (LoadedSql).
    static final String BODY = """
            BEGIN %sDECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; %s END""";

    /** The function's call in TCP mode (mode 1): one sweep wake-up for the tenant. */
    static final String CALL = """
            %s('%s', %d, '%s', 1)""";

    static final String CREATE = """
            CREATE EVENT %s.%s
              ON SCHEDULE EVERY %d MINUTE
              ON COMPLETION PRESERVE ENABLE
              COMMENT 'wakeq safety-net sweep'
              DO %s""";

    static final String ALTER = """
            ALTER EVENT %s.%s
              ON SCHEDULE EVERY %d MINUTE
              ENABLE
              DO %s""";

    static final String DROP = """
            DROP EVENT IF EXISTS %s.%s""";

    /** An event row from information_schema; {@code status} is ENABLED, DISABLED or SLAVESIDE_DISABLED. */
    record Found(String body, String intervalValue, String intervalField, String status) {
    }

    private EventSql() {
    }

    static String body(TenantSpec spec, ServerSql.Settings settings) {
        SqlIdentifier fn = ObjectNames.function(spec.functionVersion());
        return settings.mariaDb() ? BODY.formatted("", "DO " + call(spec) + ";")
                : BODY.formatted(LoadedSql.EVENT_DECLARE,
                LoadedSql.eventCall(fn, ObjectNames.library(spec.functionVersion()), call(spec)));
    }

    static String call(TenantSpec spec) {
        return CALL.formatted(ObjectNames.function(spec.functionVersion()).name(), spec.wakeHost(), spec.wakePort(),
                spec.tenantKey());
    }

    /** One sweep now, from the server, as the event would send it. Only for a function proven loaded. */
    static void sweepNow(SqlExecutor sql, TenantSpec spec) throws SQLException {
        sql.execute("DO " + call(spec));
    }

    /** Null when the event is as desired, else what differs. */
    static String difference(Found found, TenantSpec spec, ServerSql.Settings settings) {
        if (!"MINUTE".equalsIgnoreCase(found.intervalField())
                || !String.valueOf(spec.sweepMinutes()).equals(found.intervalValue())) {
            return "every " + found.intervalValue() + " " + found.intervalField();
        }
        if (!"ENABLED".equalsIgnoreCase(found.status())) {
            return found.status();
        }
        return found.body().strip().equals(body(spec, settings)) ? null : "body differs: " + found.body().strip();
    }

    static Optional<Found> find(SqlExecutor sql, TenantSpec spec) throws SQLException {
        List<Found> rows = sql.query(FIND, rs -> new Found(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4)), spec.schema().name(), ObjectNames.event(spec.queueTable()).name());
        return rows.stream().findFirst();
    }

    static void create(SqlExecutor sql, TenantSpec spec, ServerSql.Settings settings) throws SQLException {
        sql.execute(CREATE.formatted(spec.schema().quoted(), ObjectNames.event(spec.queueTable()).quoted(),
                spec.sweepMinutes(), body(spec, settings)));
    }

    static void alter(SqlExecutor sql, TenantSpec spec, ServerSql.Settings settings) throws SQLException {
        sql.execute(ALTER.formatted(spec.schema().quoted(), ObjectNames.event(spec.queueTable()).quoted(),
                spec.sweepMinutes(), body(spec, settings)));
    }

    static void drop(SqlExecutor sql, TenantSpec spec) throws SQLException {
        sql.execute(DROP.formatted(spec.schema().quoted(), ObjectNames.event(spec.queueTable()).quoted()));
    }
}
