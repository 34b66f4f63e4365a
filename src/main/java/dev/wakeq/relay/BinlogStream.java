package dev.wakeq.relay;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.ServerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps one replication stream to the server open, on its own thread. Each attempt asks {@link BinlogPreflight}
 * first, then streams from the server's current end: the relay stores no position and never resumes, because
 * the sweep it sends when a stream starts finds whatever was inserted while it was away. So a binary log purged
 * meanwhile (error 1236 for a client that resumes) cannot strand it, and a restart costs one sweep.
 */
final class BinlogStream implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BinlogStream.class.getName());
    /** ER_MASTER_FATAL_ERROR_READING_BINLOG: the file asked for is gone (purged). */
    static final int BINLOG_PURGED = 1236;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: here, no REPLICATION SLAVE for the dump. */
    static final int ACCESS_DENIED = 1227;

    private final Supplier<RelayServer> server;
    private final Supplier<QueueTableIndex> index;
    private final Consumer<RelayTenant> insertWake;
    private final Runnable sweepAll;
    private final Consumer<RelayStatus> statusSink;
    private final RelayMetrics metrics;
    private final RelayTimings timings;
    private final BinlogPreflight preflight;
    private final Object pause = new Object();
    private final Thread thread;
    private volatile BinaryLogClient client;
    private volatile long lastEventNanos;
    private volatile boolean closed;

    /**
     * @param sweepAll   called when a stream starts delivering events, and after an event the client could not
     *                   decode (its rows might have been a queue's)
     * @param statusSink receives every change of status
     */
    BinlogStream(Supplier<RelayServer> server, Supplier<QueueTableIndex> index, Consumer<RelayTenant> insertWake,
                 Runnable sweepAll, Consumer<RelayStatus> statusSink, RelayMetrics metrics, RelayTimings timings) {
        this.server = server;
        this.index = index;
        this.insertWake = insertWake;
        this.sweepAll = sweepAll;
        this.statusSink = statusSink;
        this.metrics = metrics;
        this.timings = timings;
        this.preflight = new BinlogPreflight((int) timings.connectTimeout().toMillis());
        this.thread = new Thread(this::run, "wakeq-relay-binlog");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Ends the current stream so the next attempt reads the current settings (rotated credentials, another
     * server). Safe from any thread.
     */
    void restart() {
        disconnect(client);
        wakeUp();
    }

    /**
     * Called every second by the relay's timer: a stream that delivered nothing, not even the server's heartbeat,
     * for three heartbeat intervals is cut, as a silent network partition would otherwise hold it forever.
     */
    void checkAlive() {
        BinaryLogClient c = client;
        if (c != null && lastEventNanos != 0
                && System.nanoTime() - lastEventNanos > 3 * timings.heartbeat().toNanos()) {
            LOG.warning("no event or heartbeat from " + server.get().address() + " for "
                    + 3 * timings.heartbeat().toSeconds() + " s; reconnecting");
            disconnect(c);
        }
    }

    private void run() {
        Duration retry = timings.minRetry();
        String lastLogged = null;
        while (!closed) {
            RelayServer s = server.get();
            Optional<RelayStatus> problem = preflight.check(s);
            if (problem.isEmpty()) {
                Attempt attempt = stream(s);
                if (attempt.streamed()) {
                    retry = timings.minRetry();
                    lastLogged = null;
                }
                problem = Optional.of(attempt.end());
            }
            if (closed) {
                return;
            }
            statusSink.accept(problem.get());
            // Once per distinct problem: a server down for an hour is one line, not one per retry.
            if (!problem.get().message().equals(lastLogged)) {
                lastLogged = problem.get().message();
                LOG.warning("relay for " + s.address() + " not streaming: " + problem.get());
            }
            sleep(retry);
            retry = retry.multipliedBy(2).compareTo(timings.maxRetry()) > 0 ? timings.maxRetry()
                    : retry.multipliedBy(2);
        }
    }

    /** Outcome of one stream: whether events arrived, and the status it ended in. */
    private record Attempt(boolean streamed, RelayStatus end) {
    }

    private Attempt stream(RelayServer s) {
        BinaryLogClient c = new BinaryLogClient(s.host(), s.port(), s.user(), s.password());
        // Each stream a fresh id: the server ends an older stream that has the same one, and relays keep none.
        c.setServerId(ThreadLocalRandom.current().nextLong(1L << 20, 1L << 31));
        c.setKeepAlive(false);
        c.setHeartbeatInterval(timings.heartbeat().toMillis());
        c.setConnectTimeout(timings.connectTimeout().toMillis());
        c.setEventDeserializer(RelayEventDeserializer.create(index));
        TransactionWakes wakes = new TransactionWakes(insertWake, metrics);
        AtomicBoolean streaming = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        c.registerEventListener(event -> {
            lastEventNanos = System.nanoTime();
            if (streaming.compareAndSet(false, true)) {
                // The first event (the server's rotate) proves the dump was accepted: only now is every later
                // insert certain to be seen, so the sweep that covers the earlier ones goes out now.
                metrics.connected(true);
                statusSink.accept(RelayStatus.streaming(s.address()));
                LOG.info("relay streaming the binary log of " + s.address());
                sweepAll.run();
            }
            wakes.onEvent(event);
        });
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient client, Exception ex) {
                failure.compareAndSet(null, ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient client, Exception ex) {
                LOG.warning("an event from " + s.address() + " could not be decoded (" + ex.getClass().getSimpleName()
                        + "); sweeping every tenant instead");
                sweepAll.run();
            }
        });
        client = c;
        lastEventNanos = 0;
        try {
            if (!closed) {
                c.connect();
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            client = null;
            lastEventNanos = 0;
            wakes.discard();
            metrics.connected(false);
        }
        return new Attempt(streaming.get(), ended(s, failure.get()));
    }

    private static RelayStatus ended(RelayServer s, Exception failure) {
        if (failure == null) {
            return RelayStatus.problem(RelayProblem.RelayNotConnected, "the stream from " + s.address()
                    + " ended (server restart, or the connection was closed); reconnecting at its current end");
        }
        if (failure instanceof ServerException e) {
            switch (e.getErrorCode()) {
                case 1045:
                    return RelayStatus.problem(RelayProblem.AuthenticationFailed, s.address() + " rejected user '"
                            + s.user() + "' with the given password: check the relay's credentials Secret");
                case ACCESS_DENIED:
                    return RelayStatus.problem(RelayProblem.MissingPrivilege, BinlogPreflight.missingPrivilege(s,
                            "REPLICATION SLAVE", e.getMessage()));
                case BINLOG_PURGED:
                    return RelayStatus.problem(RelayProblem.RelayNotConnected, "the binary log " + s.address()
                            + " was streaming from is gone (purged): reconnecting at its current end. Server said: "
                            + s.scrub(BinlogPreflight.firstLine(e.getMessage())));
                default:
                    break;
            }
        }
        return RelayStatus.problem(RelayProblem.RelayNotConnected, "stream from " + s.address() + " failed: "
                + failure.getClass().getSimpleName() + ": " + s.scrub(BinlogPreflight.firstLine(failure.getMessage())));
    }

    private void sleep(Duration d) {
        synchronized (pause) {
            if (closed) {
                return;
            }
            try {
                pause.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void wakeUp() {
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    private static void disconnect(BinaryLogClient c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnect();
        } catch (IOException e) {
            LOG.fine(() -> "disconnect: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        disconnect(client);
        wakeUp();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
