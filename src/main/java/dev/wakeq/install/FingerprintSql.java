package dev.wakeq.install;

import java.sql.SQLException;
import java.util.List;

/**
 * One statement that reads what a steady-state {@link TenantInstaller#install} reads (server settings, the three
 * tables, the function's row, on MySQL its loaded mark, trigger and event, each asked by exact name) and returns
 * it as a digest, plus when the server started. Equal digests mean nothing the install would look at has
 * changed; a new start time means a restart, after which a library may have failed to load. So a periodic
 * re-check of a healthy tenant costs this one statement instead of six (issue 15).
 */
final class FingerprintSql {

    private static final String COMMON = """
            SELECT MD5(CONCAT_WS('#', IFNULL(@@event_scheduler, '-'), IFNULL(@@plugin_dir, '-'), VERSION(),
              IFNULL((SELECT GROUP_CONCAT(CONCAT_WS(':', TABLE_NAME, TABLE_TYPE, IFNULL(ENGINE, '-'))
                                          ORDER BY TABLE_NAME SEPARATOR ',')
                        FROM information_schema.TABLES
                       WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?, ?)), '-'),
              IFNULL((SELECT CONCAT_WS(':', ret, dl, type) FROM mysql.func WHERE name = ?), '-'),
              IFNULL((SELECT CONCAT_WS(':', EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, MD5(ACTION_STATEMENT))
                        FROM information_schema.TRIGGERS
                       WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?), '-'),
              IFNULL((SELECT CONCAT_WS(':', MD5(EVENT_DEFINITION), INTERVAL_VALUE, INTERVAL_FIELD, STATUS)
                        FROM information_schema.EVENTS
                       WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?), '-')%s)),
              UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM %s WHERE VARIABLE_NAME = 'Uptime')""";

    /** MySQL 8 only: the marks table exists there, and a restart empties it (a MEMORY table). */
    private static final String MARK = """
            ,
              (SELECT COUNT(*) FROM %s.%s WHERE server_key = @@server_uuid AND function_name = ?)""";

    private FingerprintSql() {
    }

    static Fingerprint read(SqlExecutor sql, TenantSpec spec, boolean mariaDb) throws SQLException {
        String function = ObjectNames.function(spec.functionVersion()).name();
        String mark = mariaDb ? "" : MARK.formatted(spec.schema().quoted(), LoadedSql.TABLE.quoted());
        String status = mariaDb ? "information_schema.GLOBAL_STATUS" : "performance_schema.global_status";
        List<Object> params = new java.util.ArrayList<>(List.of(
                spec.schema().name(), spec.queueTable().name(), spec.deadLetterTable().name(), LoadedSql.TABLE.name(),
                function,
                spec.schema().name(), ObjectNames.trigger(spec.queueTable()).name(),
                spec.schema().name(), ObjectNames.event(spec.queueTable()).name()));
        if (!mariaDb) {
            params.add(function);
        }
        List<Fingerprint> rows = sql.query(COMMON.formatted(mark, status),
                rs -> new Fingerprint(rs.getString(1), rs.getLong(2)), params.toArray());
        return rows.isEmpty() || rows.get(0).digest() == null ? null : rows.get(0);
    }
}
