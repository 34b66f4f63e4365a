package dev.wakeq.worker;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The worker: listeners for wake-ups, one poller per tenant, a shared pool of handler threads, and the source of
 * its tenants (a file, or its pool's shard Secrets through {@link KubeShardWatch}, which the runtime sees only as a
 * {@link TenantSource}). Plain Java, no Kubernetes: embed it with {@link #start} and {@link #close}.
 */
public final class WorkerRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerRuntime.class.getName());

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final HandlerPool pool;
    private final ExecutorService pollerThreads;
    private final ScheduledExecutorService timers;
    private final TenantRegistry registry;
    private final ServerConnections connections = new ServerConnections();
    private final InFlightJournal journal;
    private WakeListeners listeners;
    private TenantSource source;
    private boolean closed;
    /** Set first thing in {@link #close()}, which holds the monitor for up to the grace period. */
    private volatile boolean draining;
    private volatile boolean listening;

    private WorkerRuntime(WorkerConfig config, JobHandler handler, MeterRegistry meterRegistry) {
        this.config = config;
        this.metrics = new WorkerMetrics(meterRegistry);
        this.pool = new HandlerPool(config.handlerThreads());
        this.pollerThreads = Executors.newCachedThreadPool(DaemonThreads.named("wakeq-poller"));
        this.timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wakeq-timer"));
        RetryPolicy retry = new RetryPolicy(config.maxAttempts(), config.retryBackoff(), config.maxRetryBackoff());
        this.journal = config.stateDir() == null ? InFlightJournal.none()
                : InFlightJournal.in(config.stateDir(), timers);
        this.registry = new TenantRegistry(new PollerContext(config, metrics, handler, pool, pollerThreads, timers,
                retry, new AtomicLong(), connections, livenessProcess(), journal));
        long check = ServerConnections.IDLE_TIMEOUT.toSeconds() / 10;
        timers.scheduleWithFixedDelay(connections::closeExpired, check, check, TimeUnit.SECONDS);
    }

    /**
     * Loads the tenants file (if configured; a missing or bad file starts with no tenants and is retried every
     * {@link WorkerConfig#configCheckInterval()}), then starts listening. Returns when wake-ups are accepted.
     */
    public static WorkerRuntime start(WorkerConfig config, JobHandler handler, MeterRegistry meterRegistry)
            throws IOException {
        return start(config, handler, meterRegistry, TenantSource.Factory.file(config));
    }

    /** As {@link #start(WorkerConfig, JobHandler, MeterRegistry)}, with the tenants from {@code tenants}. */
    static WorkerRuntime start(WorkerConfig config, JobHandler handler, MeterRegistry meterRegistry,
                               TenantSource.Factory tenants) throws IOException {
        WorkerRuntime runtime = new WorkerRuntime(config, handler, meterRegistry);
        try {
            runtime.source = tenants.start(runtime.registry::apply, runtime.metrics, runtime.timers);
            runtime.sweepWhatACrashLeft();
            runtime.listen();
            runtime.listening = true;
        } catch (IOException | RuntimeException e) {
            runtime.close();
            throw e;
        }
        LOG.info("wakeq worker " + config.workerId() + " listening on UDP and TCP port " + runtime.port());
        return runtime;
    }

    /** The port both listeners are bound to (the chosen one when the configured port is 0). */
    public int port() {
        return listeners.port();
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /**
     * Whether this worker should receive wake-ups: both listeners bound, its tenants known (the tenants file
     * applied, or absent: a pool without tenants has no Secret yet), and not shutting down.
     */
    public boolean ready() {
        return listening && !draining && (source == null || source.settled());
    }

    /**
     * False only when a listener thread has died while the worker was meant to listen: a deaf worker that a
     * restart mends. Draining is alive, so a slow shutdown is not cut short by a failing probe.
     */
    public boolean live() {
        return !listening || draining || listeners.alive();
    }

    /** This worker's load and the tenants it has seen wake-ups for, as {@code GET /report} sends them. */
    public WorkerReport report() {
        return new WorkerReport(config.workerId(), ready(), pool.size(), pool.busy(), pool.busySeconds(),
                metrics.activePollers(), registry.lastWakes(), 0,
                source == null ? Map.of() : source.applied());
    }

    /** Replaces the tenants, as a tenants file reload would; for embedding without a file. */
    public void setTenants(List<TenantConfig> tenants) {
        registry.apply(tenants);
    }

    /**
     * Tenants the previous process of this worker had jobs in flight for: their claims were freed when it died
     * (ClaimLiveness), so a sweep runs them again now instead of at the tenant's next sweep. Sent once the tenants
     * are known (a shard source loads them in the background), at most a minute after the start.
     */
    private void sweepWhatACrashLeft() {
        List<String> keys = journal.previous();
        if (keys.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        Runnable[] attempt = new Runnable[1];
        attempt[0] = () -> {
            if (source != null && !source.settled() && System.nanoTime() < deadline) {
                try {
                    timers.schedule(attempt[0], 100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // Shut down before the tenants were known: the journal stays for the next start.
                }
                return;
            }
            LOG.info("sweeping " + keys.size() + " tenant(s) that had jobs in flight when this worker last stopped");
            long now = System.nanoTime();
            for (String key : keys) {
                registry.accept(dev.wakeq.wire.WakeMessage.sweep(key), Transport.TCP, now);
            }
        };
        attempt[0].run();
    }

    /** Short, random, per process: names this process's liveness locks on every server. */
    private static String livenessProcess() {
        return java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private void listen() throws IOException {
        listeners = WakeListeners.bind(config, new WakeIntake(registry, metrics));
    }

    /**
     * Turns not ready and keeps serving wake-ups for {@link WorkerConfig#shutdownDelay()} (a Service keeps sending
     * to a terminating pod until its endpoints catch up), then stops the listeners, lets running jobs finish within
     * {@link WorkerConfig#shutdownGrace()}, records their outcomes, and releases claimed jobs that had not started.
     * Jobs still running after the grace period are interrupted; their claims expire with their lease and they run
     * again (at-least-once).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        long started = System.nanoTime();
        WorkerReport before = report();
        LOG.info("shutting down: " + before.busyHandlers() + " job(s) running, " + before.activePollers()
                + " tenant poller(s) active; taking wake-ups for " + config.shutdownDelay().toMillis()
                + " ms more, then up to " + config.shutdownGrace().toSeconds() + " s for running jobs");
        try {
            Thread.sleep(config.shutdownDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        try {
            if (listeners != null) {
                listeners.close();
            }
            timers.shutdownNow();
            if (source != null) {
                source.close();
            }
            if (!registry.close(deadline)) {
                LOG.warning("shutdown grace period over with jobs still running; their leases will expire");
            }
            pool.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warning("closing the TCP listener failed: " + e.getMessage());
        } finally {
            pollerThreads.shutdownNow();
            connections.close();
            journal.flush();
            LOG.info("shut down in " + (System.nanoTime() - started) / 1_000_000 + " ms; " + pool.busy()
                    + " job(s) still running were interrupted (they run again once their lease ends, or at once "
                    + "where this worker's database connections closed with it)");
        }
    }
}
