package dev.wakeq.worker;

import dev.wakeq.queue.TenantQueue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one connection an active poller holds: taken from {@link ServerConnections} (or opened) on first use, given
 * back when the poller stops, reopened with backoff after a failure. Used by the poller's thread only. The first
 * failure of a session is logged as a warning, repeats at FINE, so a tenant with a dead database cannot flood the
 * log; every failure is counted.
 */
final class DbSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DbSession.class.getName());
    private static final long FIRST_RETRY_NANOS = 100_000_000L;
    private static final long MAX_RETRY_NANOS = 5_000_000_000L;

    private final TenantConfig tenant;
    private final String poolKey;
    private final ServerConnections pool;
    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private Connection connection;
    /** The connection came from the pool and has not yet completed a statement here: it may have died idle. */
    private boolean unproven;
    private long retryAt = System.nanoTime();
    private long retryNanos = FIRST_RETRY_NANOS;
    private boolean failing;

    DbSession(TenantConfig tenant, ServerAccount account, ServerConnections pool, WorkerConfig config,
              WorkerMetrics metrics) {
        this.tenant = tenant;
        this.poolKey = account.poolKey();
        this.pool = pool;
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
        Connection reused = pool.take(poolKey);
        if (reused != null) {
            connection = reused;
            unproven = true;
            return reused;
        }
        try {
            Connection c = DriverManager.getConnection(tenant.jdbcUrl(), properties());
            metrics.connectionOpened();
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

    /** A statement on the connection succeeded: it is alive. */
    void succeeded() {
        unproven = false;
    }

    /**
     * After a failed statement: the connection is assumed broken; the next use reconnects after a backoff. A
     * connection that failed at its first statement after idling in the pool most likely died there (server
     * restart, {@code wait_timeout}), and so did its idle siblings: those are dropped and the next use connects
     * at once.
     */
    void failed(String operation, SQLException e) {
        if (unproven) {
            unproven = false;
            drop();
            pool.discard(poolKey);
            metrics.dbError(operation + "_idle_connection");
            LOG.fine("tenant " + tenant.name() + ": pooled connection broken (SQLState " + e.getSQLState() + ")");
            return;
        }
        metrics.dbError(operation);
        Level level = failing ? Level.FINE : Level.WARNING;
        failing = true;
        // Connector/J messages name user and host, never the password.
        LOG.log(level, "tenant " + tenant.name() + ": " + operation + " failed (SQLState " + e.getSQLState()
                + ", error " + e.getErrorCode() + "): " + e.getMessage() + "; retrying in " + retryNanos / 1_000_000
                + " ms");
        drop();
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

    /** The poller stops: a working connection goes back to the pool for the next poller of this server. */
    @Override
    public void close() {
        if (connection != null) {
            pool.giveBack(poolKey, connection);
            connection = null;
        }
    }

    private void drop() {
        if (connection != null) {
            ServerConnections.quietlyClose(connection);
            connection = null;
        }
    }
}
