package dev.wakeq.worker;

import dev.wakeq.queue.TenantQueue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one connection an active poller holds, opened on first use and reopened with backoff after a failure.
 * Used by the poller's thread only. The first failure of a session is logged as a warning, repeats at FINE, so a
 * tenant with a dead database cannot flood the log; every failure is counted.
 */
final class DbSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DbSession.class.getName());
    private static final long FIRST_RETRY_NANOS = 100_000_000L;
    private static final long MAX_RETRY_NANOS = 5_000_000_000L;

    private final TenantConfig tenant;
    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private Connection connection;
    private long retryAt = System.nanoTime();
    private long retryNanos = FIRST_RETRY_NANOS;
    private boolean failing;

    DbSession(TenantConfig tenant, WorkerConfig config, WorkerMetrics metrics) {
        this.tenant = tenant;
        this.config = config;
        this.metrics = metrics;
    }

    /** Whether {@link #connection()} may be tried now (open, or the reconnect backoff has passed). */
    boolean ready(long now) {
        return connection != null || now - retryAt >= 0;
    }

    long retryAt() {
        return retryAt;
    }

    /** The open connection, or a newly opened one, or null while the database is unreachable. */
    Connection connection() {
        if (connection != null) {
            return connection;
        }
        if (!ready(System.nanoTime())) {
            return null;
        }
        try {
            Connection c = DriverManager.getConnection(tenant.jdbcUrl(), properties());
            try {
                TenantQueue.configure(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
            retryNanos = FIRST_RETRY_NANOS;
            if (failing) {
                LOG.info("tenant " + tenant.name() + ": database reachable again");
                failing = false;
            }
            return c;
        } catch (SQLException e) {
            failed("connect", e);
            return null;
        }
    }

    /** After a failed statement: the connection is assumed broken; the next use reconnects after a backoff. */
    void failed(String operation, SQLException e) {
        metrics.dbError(operation);
        Level level = failing ? Level.FINE : Level.WARNING;
        failing = true;
        // Connector/J messages name user and host, never the password.
        LOG.log(level, "tenant " + tenant.name() + ": " + operation + " failed (SQLState " + e.getSQLState()
                + ", error " + e.getErrorCode() + "): " + e.getMessage() + "; retrying in " + retryNanos / 1_000_000
                + " ms");
        close();
        retryAt = System.nanoTime() + retryNanos;
        retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", tenant.user());
        p.setProperty("password", tenant.password());
        String url = tenant.jdbcUrl();
        if (!url.contains("connectTimeout=")) {
            p.setProperty("connectTimeout", Long.toString(config.connectTimeout().toMillis()));
        }
        if (!url.contains("socketTimeout=")) {
            p.setProperty("socketTimeout", Long.toString(config.socketTimeout().toMillis()));
        }
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection fails; it is gone either way.
            }
            connection = null;
        }
    }
}
