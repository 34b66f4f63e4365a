package dev.wakeq.demo;

import dev.wakeq.queue.TenantQueue;
import dev.wakeq.queue.QueueRow;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The baseline wakeq replaces: a worker that asks a tenant's queue for jobs every interval, whether or not
 * anything was inserted. Uses the same claim SQL as wakeq's workers, so only the polling policy differs.
 */
public final class IntervalPoller implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "interval-poller");
        t.setDaemon(true);
        return t;
    });
    private final Connection connection;
    private final TenantQueue queue;
    private final Consumer<QueueRow> handler;
    private long claims;

    public IntervalPoller(String jdbcUrl, String user, String password, SqlIdentifier table, SqlIdentifier dead,
                   Duration interval, Consumer<QueueRow> handler) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, user, password);
        TenantQueue.configure(connection);
        this.queue = new TenantQueue(table, dead);
        this.handler = handler;
        timer.scheduleWithFixedDelay(this::pollOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollOnce() {
        try {
            for (QueueRow row : queue.claim(connection, "interval-poller:" + (++claims), 10, Duration.ofSeconds(60))) {
                handler.accept(row);
                queue.complete(connection, row);
            }
        } catch (SQLException e) {
            System.err.println("interval poller: " + e.getMessage());
        }
    }

    @Override
    public void close() throws SQLException {
        timer.shutdownNow();
        connection.close();
    }
}
