package dev.wakeq.worker;

import dev.wakeq.wire.DropReason;
import dev.wakeq.wire.WakeMessage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

/**
 * The always-on receiver of a pool that may scale to zero: it listens on the pool's wake port beside the workers
 * (the wake Service selects both), takes wake-ups for known tenants only, and hands each on to a worker through
 * the workers-only Service ({@link WakeRelay}). While no worker runs, the wake-ups wait in the relay and the
 * operator, seeing them in this receiver's report, scales the pool up. It never touches a database.
 */
public final class ReceiverRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReceiverRuntime.class.getName());

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final WakeRelay relay;
    private final ScheduledExecutorService timers;
    private volatile Map<String, String> namesByKey = Map.of();
    private final LastWakes lastWakes = new LastWakes();
    private TenantSource source;
    private WakeListeners listeners;
    private volatile boolean listening;
    private volatile boolean draining;

    private ReceiverRuntime(WorkerConfig config, String forwardHost, int forwardPort, MeterRegistry registry) {
        this.config = config;
        this.metrics = new WorkerMetrics(registry);
        this.relay = new WakeRelay(forwardHost, forwardPort, Duration.ofMillis(300));
        this.timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wakeq-timer"));
    }

    /**
     * @param forwardHost the pool's workers-only Service ({@code <pool>-workers}); the port is the wake port
     */
    public static ReceiverRuntime start(WorkerConfig config, String forwardHost, int forwardPort,
                                        MeterRegistry registry) throws IOException {
        return start(config, forwardHost, forwardPort, registry, TenantSource.Factory.file(config));
    }

    static ReceiverRuntime start(WorkerConfig config, String forwardHost, int forwardPort, MeterRegistry registry,
                                 TenantSource.Factory tenants) throws IOException {
        ReceiverRuntime r = new ReceiverRuntime(config, forwardHost, forwardPort, registry);
        try {
            r.source = tenants.start(r::apply, r.metrics, r.timers);
            r.listeners = WakeListeners.bind(config, new WakeIntake(r::accept, r.metrics));
            r.listening = true;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        LOG.info("wakeq receiver " + config.workerId() + " listening on UDP and TCP port " + r.port()
                + ", handing wake-ups on to " + forwardHost + ":" + forwardPort);
        return r;
    }

    private void apply(List<TenantConfig> tenants) {
        Map<String, String> next = new HashMap<>();
        tenants.forEach(t -> next.put(t.key(), t.name()));
        namesByKey = Map.copyOf(next);
        lastWakes.retain(next.values());
    }

    private void accept(WakeMessage message, Transport transport, long arrivalNanos) {
        String name = namesByKey.get(message.tenantKey());
        if (name == null) {
            // Forged or stale keys are not passed on: they would only cost the workers a connection each.
            metrics.wakeDropped(DropReason.UNKNOWN_TENANT);
            return;
        }
        lastWakes.seen(name);
        LOG.fine(() -> "wake-up for " + name + " to hand on");
        relay.offer(message);
    }

    public int port() {
        return listeners.port();
    }

    public boolean ready() {
        return listening && !draining && (source == null || source.settled());
    }

    public boolean live() {
        return !listening || draining || listeners.alive();
    }

    /** Wake-ups waiting for a worker. */
    public int pending() {
        return relay.pending();
    }

    public WorkerReport report() {
        return new WorkerReport(config.workerId(), ready(), 0, 0, 0, 0, lastWakes.snapshot(), relay.pending(),
                source == null ? Map.of() : source.applied());
    }

    /** Like a worker: not ready first, still receiving for the shutdown delay, then closed. */
    @Override
    public synchronized void close() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            if (listening) {
                Thread.sleep(config.shutdownDelay().toMillis());
            }
            if (listeners != null) {
                listeners.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warning("closing the TCP listener failed: " + e.getMessage());
        } finally {
            timers.shutdownNow();
            if (source != null) {
                source.close();
            }
            relay.close();
        }
    }
}
