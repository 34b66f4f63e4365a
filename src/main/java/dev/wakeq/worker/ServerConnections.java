package dev.wakeq.worker;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Idle database connections that pollers give back when they stop, for the next poller of any tenant with the
 * same {@link ServerAccount#poolKey()}: an idle tenant's sweep then costs its queue SELECT and COMMIT on a
 * connection that is already open, not a connect (about six statements) plus those two. Connections idle longer
 * than {@link #IDLE_TIMEOUT} are closed by {@link #closeExpired}, so a worker whose tenants are all idle holds at
 * most one connection per server and account.
 *
 * <p>A connection comes back only from a poller whose statements all succeeded, with no transaction open
 * ({@code TenantQueue} commits or rolls back before it returns). One that broke while idle (server restart,
 * {@code wait_timeout}) fails at its first statement; the poller then discards it and the other idle ones of the
 * same key, which are likely broken too, and connects afresh at once.
 */
final class ServerConnections implements AutoCloseable {

    /** Longer than the default sweep interval (5 minutes), so a lone tenant's sweeps find the connection open. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** More than this many idle connections for one key means a burst has passed: close the rest. */
    static final int MAX_IDLE_PER_KEY = 8;

    /** A worker connection and the liveness lock it holds ({@code ClaimLiveness}). */
    record Held(Connection connection, String lock) {
    }

    private record Idle(Held held, long since) {
    }

    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean closed;

    /** An idle connection of this key, most recently used first (the likeliest to be alive), or null. */
    synchronized Held take(String key) {
        ArrayDeque<Idle> queue = idle.get(key);
        if (queue == null) {
            return null;
        }
        Idle i = queue.pollFirst();
        if (queue.isEmpty()) {
            idle.remove(key);
        }
        return i == null ? null : i.held();
    }

    /** Keeps a healthy connection for reuse, or closes it when the pool is full or closed. */
    void giveBack(String key, Held c) {
        synchronized (this) {
            ArrayDeque<Idle> queue = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (!closed && queue.size() < MAX_IDLE_PER_KEY) {
                queue.addFirst(new Idle(c, System.nanoTime()));
                return;
            }
            if (queue.isEmpty()) {
                idle.remove(key);
            }
        }
        quietlyClose(c.connection());
    }

    /** Closes every idle connection of this key: one of them was found broken. */
    void discard(String key) {
        List<Idle> gone;
        synchronized (this) {
            ArrayDeque<Idle> queue = idle.remove(key);
            gone = queue == null ? List.of() : new ArrayList<>(queue);
        }
        gone.forEach(i -> quietlyClose(i.held().connection()));
    }

    /** Closes connections idle for longer than {@link #IDLE_TIMEOUT}; runs on the worker's timer. */
    void closeExpired() {
        long cutoff = System.nanoTime() - IDLE_TIMEOUT.toNanos();
        List<Idle> gone = new ArrayList<>();
        synchronized (this) {
            for (Iterator<ArrayDeque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Idle> queue = it.next();
                // Newest first: expired ones are at the tail.
                while (!queue.isEmpty() && queue.peekLast().since() - cutoff < 0) {
                    gone.add(queue.pollLast());
                }
                if (queue.isEmpty()) {
                    it.remove();
                }
            }
        }
        gone.forEach(i -> quietlyClose(i.held().connection()));
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    @Override
    public void close() {
        List<Idle> gone = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(gone::addAll);
            idle.clear();
        }
        gone.forEach(i -> quietlyClose(i.held().connection()));
    }

    static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a broken connection fails; it is gone either way.
        }
    }
}
