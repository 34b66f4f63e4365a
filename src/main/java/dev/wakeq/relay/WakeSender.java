package dev.wakeq.relay;

import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Sends wake-ups as the database would: an insert as one UDP datagram (what the trigger sends), a sweep over TCP
 * (what the event sends), to the tenant's pool. Each kind has its own thread, so the binary-log thread never
 * waits on the network (see {@link #insert}) and a slow sweep connection never delays an insert's datagram.
 * Inserts go out in the order their transactions committed, one per transaction and tenant (a bounded queue: when it is full a
 * wake-up is dropped and counted); sweeps wait in a set, one per tenant (a sweep for a tenant already waiting adds
 * nothing). Nothing is retried: a lost wake-up costs latency until the next sweep, never a job.
 */
final class WakeSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WakeSender.class.getName());

    private final DatagramSocket udp;
    private final int connectTimeoutMillis;
    private final RelayMetrics metrics;
    /** Dotted IPv4, or anything with a colon (IPv6): InetSocketAddress resolves neither through DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    /** Inserts waiting to be sent; a full queue means the network is far slower than the server's commits. */
    private static final int MAX_QUEUED_INSERTS = 65_536;

    private final BlockingQueue<RelayTenant> inserts = new LinkedBlockingQueue<>(MAX_QUEUED_INSERTS);
    private final Thread insertThread = new Thread(this::sendInserts, "wakeq-relay-insert");
    private final Lane sweeps = new Lane("wakeq-relay-sweep", this::sendSweep);
    private volatile boolean closed;

    WakeSender(Duration connectTimeout, RelayMetrics metrics) throws SocketException {
        this.udp = new DatagramSocket();
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.metrics = metrics;
        insertThread.setDaemon(true);
        insertThread.start();
        sweeps.start();
    }

    /**
     * To an IP address (what the operator always gives: a Service's cluster IP or an advertised IP) the datagram
     * goes out at once on the caller's thread: no name to resolve, and a thread hand-off less between commit and
     * claim. A host name could stall on DNS, so that goes through the insert thread.
     */
    void insert(RelayTenant tenant) {
        if (IP_LITERAL.matcher(tenant.wakeHost()).matches()) {
            sendInsert(tenant);
        } else if (!inserts.offer(tenant)) {
            metrics.sendFailure();
        }
    }

    void sweep(RelayTenant tenant) {
        sweeps.offer(tenant);
    }

    private void sendInserts() {
        while (!closed) {
            try {
                sendInsert(inserts.take());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sendInsert(RelayTenant t) {
        byte[] line = WakeCodec.encode(WakeMessage.insert(t.key()));
        try {
            udp.send(new DatagramPacket(line, line.length, new InetSocketAddress(t.wakeHost(), t.wakePort())));
            metrics.insertWake();
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            failed(t, "insert", e);
        }
    }

    private void sendSweep(RelayTenant t) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(t.wakeHost(), t.wakePort()), connectTimeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(WakeCodec.encode(WakeMessage.sweep(t.key())));
            out.flush();
            metrics.sweepWake();
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            failed(t, "sweep", e);
        }
    }

    private void failed(RelayTenant t, String kind, Exception e) {
        metrics.sendFailure();
        LOG.log(Level.FINE, () -> kind + " wake-up for " + t.name() + " to " + t.wakeHost() + ":" + t.wakePort()
                + " failed: " + e);
    }

    @Override
    public void close() {
        closed = true;
        insertThread.interrupt();
        sweeps.close();
        udp.close();
    }

    /** One sending thread with its pending wake-ups, one per tenant key. */
    private static final class Lane {
        private final Map<String, RelayTenant> pending = new ConcurrentHashMap<>();
        private final Semaphore work = new Semaphore(0);
        private final Thread thread;
        private final java.util.function.Consumer<RelayTenant> send;
        private volatile boolean closed;

        Lane(String name, java.util.function.Consumer<RelayTenant> send) {
            this.send = send;
            this.thread = new Thread(this::loop, name);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void offer(RelayTenant tenant) {
            if (pending.put(tenant.key(), tenant) == null) {
                work.release();
            }
        }

        private void loop() {
            while (!closed) {
                try {
                    work.tryAcquire(1, TimeUnit.SECONDS);
                    work.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
                for (String key : pending.keySet()) {
                    RelayTenant t = pending.remove(key);
                    if (closed) {
                        return;
                    }
                    if (t != null) {
                        send.accept(t);
                    }
                }
            }
        }

        void close() {
            closed = true;
            thread.interrupt();
        }
    }
}
