package dev.wakeq.worker;

import dev.wakeq.wire.TcpWake;
import dev.wakeq.wire.WakeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Hands wake-ups on to the pool's workers over TCP (one connection per wake-up, the sweep's own format), and
 * keeps each one it could not hand on until it can: while a pool has no worker, its wake-ups wait here, one per
 * tenant (a later wake-up for the same tenant adds nothing), and the operator, which reads their number in the
 * receiver's report, starts a worker. Bounded by the number of tenants.
 */
final class WakeRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WakeRelay.class.getName());
    private static final Duration RETRY = Duration.ofMillis(200);

    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    private final Map<String, WakeMessage> pending = new ConcurrentHashMap<>();
    private final Semaphore work = new Semaphore(0);
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param host the workers' Service name (or address); resolved at each attempt, so a Service created after
     *             the receiver is found
     */
    WakeRelay(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.sender = new Thread(this::loop, "wakeq-relay");
        sender.setDaemon(true);
        sender.start();
    }

    void offer(WakeMessage message) {
        pending.merge(message.tenantKey(), message,
                (old, added) -> old.kind() == WakeMessage.Kind.INSERT ? old : added);
        work.release();
    }

    /** Wake-ups waiting for a worker, one per tenant. */
    int pending() {
        return pending.size();
    }

    private void loop() {
        while (!closed) {
            try {
                work.tryAcquire(RETRY.toMillis(), TimeUnit.MILLISECONDS);
                work.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            for (Map.Entry<String, WakeMessage> e : pending.entrySet()) {
                if (closed || !send(e.getValue())) {
                    break;
                }
                pending.remove(e.getKey(), e.getValue());
            }
        }
    }

    private boolean send(WakeMessage message) {
        try {
            TcpWake.send(host, port, message, connectTimeoutMillis);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            // No worker behind the Service yet (refused or timed out): the wake-up waits for the next try.
            LOG.fine(() -> "relay to " + host + ":" + port + " failed: " + e);
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        if (!pending.isEmpty()) {
            // The rows stay queued; the sweep event wakes their tenants again.
            LOG.warning(pending.size() + " wake-up(s) not handed on at shutdown; the sweep will find their jobs");
        }
    }
}
