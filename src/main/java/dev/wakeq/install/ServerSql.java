package dev.wakeq.install;

import java.sql.SQLException;

/** Server-wide settings the installer depends on, read in one round trip. */
final class ServerSql {

    static final String SETTINGS = """
            SELECT @@event_scheduler, @@plugin_dir, VERSION()""";

    /**
     * Bounds how long the atomic trigger swap waits for the queue table. The default (a year) would let a long
     * transaction hold LOCK TABLES pending, and every INSERT of the tenant queues up behind a pending write lock.
     */
    static final String BOUND_LOCK_WAIT = """
            SET SESSION lock_wait_timeout = %d""";

    static final int LOCK_WAIT_SECONDS = 10;

    /** @param eventScheduler ON, OFF or DISABLED */
    record Settings(String eventScheduler, String pluginDir, String version) {
        boolean schedulerOn() {
            return "ON".equalsIgnoreCase(eventScheduler);
        }

        boolean mariaDb() {
            return version.contains("MariaDB");
        }
    }

    private ServerSql() {
    }

    static Settings read(SqlExecutor sql) throws SQLException {
        return sql.query(SETTINGS, rs -> new Settings(rs.getString(1), rs.getString(2), rs.getString(3))).get(0);
    }

    static void boundLockWait(SqlExecutor sql) throws SQLException {
        sql.execute(BOUND_LOCK_WAIT.formatted(LOCK_WAIT_SECONDS));
    }
}
