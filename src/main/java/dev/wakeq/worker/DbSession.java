package dev.wakeq.worker;

import dev.wakeq.queue.ClaimLiveness;
import dev.wakeq.queue.TenantQueue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
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
    private final PollerContext ctx;
    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private ServerConnections.Held connection;
    /**
     * The liveness locks of connections this session claimed through. If one breaks while its jobs still run, the
     * next connection takes those names again, so other workers do not read the jobs as abandoned and run them a
     * second time while they are still running here.
     */
    private final Set<String> claimLocks = new LinkedHashSet<>();
    /** The connection came from the pool and has not yet completed a statement here: it may have died idle. */
    private boolean unproven;
    private long retryAt = System.nanoTime();
    private long retryNanos = FIRST_RETRY_NANOS;
    private boolean failing;

    DbSession(TenantConfig tenant, ServerAccount account, PollerContext ctx) {
        this.tenant = tenant;
        this.poolKey = account.poolKey();
        this.pool = ctx.connections();
        this.ctx = ctx;
        this.config = ctx.config();
        this.metrics = ctx.metrics();
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
            return connection.connection();
        }
        if (!ready(System.nanoTime())) {
            return null;
        }
        ServerConnections.Held reused = pool.take(poolKey);
        if (reused != null) {
            try {
                retakeClaimLocks(reused.connection());
                connection = reused;
                unproven = claimLocks.isEmpty();
                return reused.connection();
            } catch (SQLException e) {
                // Died while idle, and so likely did its idle siblings.
                ServerConnections.quietlyClose(reused.connection());
                pool.discard(poolKey);
            }
        }
        try {
            Connection c = DriverManager.getConnection(tenant.jdbcUrl(), properties());
            metrics.connectionOpened();
            String lock = ctx.nextLockName();
            try {
                TenantQueue.configure(c);
                ClaimLiveness.acquire(c, lock);
                retakeClaimLocks(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = new ServerConnections.Held(c, lock);
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

    /** The liveness lock the current connection holds: claims made now start with it. */
    String lock() {
        return connection.lock();
    }

    /** A claim through the current connection found jobs: keep its lock's name until this session ends. */
    void claimedThrough(String lock) {
        claimLocks.add(lock);
    }

    private void retakeClaimLocks(Connection c) throws SQLException {
        for (String lock : claimLocks) {
            try {
                ClaimLiveness.acquire(c, lock);
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    throw e;
                }
                // Held elsewhere cannot happen (names are this process's own); any other refusal only costs the
                // early release of those jobs, which their lease still bounds.
            }
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
            ServerConnections.quietlyClose(connection.connection());
            connection = null;
        }
    }
}
