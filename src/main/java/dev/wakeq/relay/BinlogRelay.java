package dev.wakeq.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Turns one database server's binary log into the wake-ups its queue tables' triggers would have sent: one
 * insert wake-up per transaction and tenant whose queue got rows, to that tenant's pool, plus a sweep wake-up to
 * every tenant whenever a stream starts and every sweep interval (connected or not: the sweep is the safety
 * net, and a relay that cannot stream still gives every tenant that). Plain Java; {@link RelayMain} runs it as
 * the image's {@code relay} role.
 */
public final class BinlogRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BinlogRelay.class.getName());

    private final RelayMetrics metrics;
    private final WakeSender sender;
    private final BinlogStream stream;
    private final ScheduledExecutorService timer;
    private volatile RelaySetup setup;
    private volatile QueueTableIndex index;
    private volatile RelayStatus status = RelayStatus.problem(RelayProblem.RelayNotConnected, "starting");

    private BinlogRelay(RelaySetup setup, RelayTimings timings, MeterRegistry registry) throws IOException {
        this.setup = setup;
        this.index = new QueueTableIndex(setup.tenants());
        this.metrics = new RelayMetrics(registry);
        this.sender = new WakeSender(timings.connectTimeout(), metrics);
        this.stream = new BinlogStream(() -> this.setup.server(), () -> this.index, sender::insert, this::sweepAll,
                s -> status = s, metrics, timings);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wakeq-relay-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts streaming in the background; {@link #status()} tells how that goes. */
    public static BinlogRelay start(RelaySetup setup, RelayTimings timings, MeterRegistry registry)
            throws IOException {
        BinlogRelay relay = new BinlogRelay(setup, timings, registry);
        long sweepMillis = timings.sweepInterval().toMillis();
        relay.timer.scheduleAtFixedRate(relay::sweepAll, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        relay.timer.scheduleWithFixedDelay(relay.stream::checkAlive, 1, 1, TimeUnit.SECONDS);
        relay.stream.start();
        return relay;
    }

    /**
     * Applies a new relay file. New tenants get a sweep at once (their inserts before this were not watched);
     * a changed server or account restarts the stream, which sweeps everyone.
     */
    public void update(RelaySetup next) {
        RelaySetup previous = setup;
        Set<String> known = new HashSet<>();
        previous.tenants().forEach(t -> known.add(t.key()));
        setup = next;
        index = new QueueTableIndex(next.tenants());
        if (!next.server().equals(previous.server())) {
            LOG.info("relay server or account changed; restarting the stream");
            stream.restart();
            return;
        }
        for (RelayTenant t : next.tenants()) {
            if (!known.contains(t.key())) {
                sender.sweep(t);
            }
        }
    }

    public RelayStatus status() {
        return status;
    }

    /** The tenants this relay announces now. */
    public List<RelayTenant> tenants() {
        return index.all();
    }

    void sweepAll() {
        for (RelayTenant t : index.all()) {
            sender.sweep(t);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        stream.close();
        sender.close();
    }
}
