package dev.wakeq.worker;

import dev.wakeq.wire.DropReason;
import dev.wakeq.wire.WakeMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of the worker runtime (documented in docs/metrics.md). No tenant tags: a worker may serve
 * thousands of tenants, and per-tenant series would multiply the monitoring system's load by that number.
 */
public final class WorkerMetrics {

    public static final String WAKES_RECEIVED = "wakeq.wakes.received";
    public static final String WAKES_DROPPED = "wakeq.wakes.dropped";
    public static final String POLLS = "wakeq.polls";
    public static final String JOBS_CLAIMED = "wakeq.jobs.claimed";
    public static final String JOBS_DONE = "wakeq.jobs.done";
    public static final String JOBS_FAILED = "wakeq.jobs.failed";
    public static final String JOBS_DEAD_LETTERED = "wakeq.jobs.dead_lettered";
    public static final String JOBS_LEASE_LOST = "wakeq.jobs.lease_lost";
    public static final String WAKE_TO_CLAIM = "wakeq.wake_to_claim";
    public static final String POLLERS_ACTIVE = "wakeq.pollers.active";
    public static final String DB_ERRORS = "wakeq.db.errors";
    public static final String DB_CONNECTIONS_OPENED = "wakeq.db.connections.opened";
    public static final String CONFIG_RELOADS = "wakeq.config.reloads";
    public static final String CONFIG_ERRORS = "wakeq.config.errors";

    private final MeterRegistry registry;
    private final Map<WakeMessage.Kind, Map<Transport, Counter>> received = new EnumMap<>(WakeMessage.Kind.class);
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Map<String, Counter> dbErrors = new ConcurrentHashMap<>();
    private final Counter polls;
    private final Counter claimed;
    private final Counter done;
    private final Counter failed;
    private final Counter deadLettered;
    private final Counter leaseLost;
    private final Counter configReloads;
    private final Counter connectionsOpened;
    private final Counter configErrors;
    private final Timer wakeToClaim;
    /** Held here: a gauge only keeps a weak reference to the object it reads. */
    private final AtomicInteger activePollers = new AtomicInteger();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (WakeMessage.Kind kind : WakeMessage.Kind.values()) {
            Map<Transport, Counter> byTransport = new EnumMap<>(Transport.class);
            for (Transport t : Transport.values()) {
                byTransport.put(t, Counter.builder(WAKES_RECEIVED).description("Decoded wake-ups")
                        .tag("kind", kind.name().toLowerCase()).tag("protocol", t.tag()).register(registry));
            }
            received.put(kind, byTransport);
        }
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder(WAKES_DROPPED).description("Wake-ups discarded")
                    .tag("reason", reason.tag()).register(registry));
        }
        polls = counter(POLLS, "Claim queries (SELECT ... FOR UPDATE SKIP LOCKED) sent to tenant queues");
        claimed = counter(JOBS_CLAIMED, "Jobs claimed with a lease");
        done = counter(JOBS_DONE, "Jobs whose handler returned normally");
        failed = counter(JOBS_FAILED, "Handler failures (each attempt counts)");
        deadLettered = counter(JOBS_DEAD_LETTERED, "Jobs moved to the dead-letter table");
        leaseLost = counter(JOBS_LEASE_LOST, "Outcomes not recorded because the lease had been taken over");
        connectionsOpened = counter(DB_CONNECTIONS_OPENED,
                "Database connections opened (a poller reuses an idle one of the same server and account first)");
        configReloads = counter(CONFIG_RELOADS, "Tenants files loaded and applied");
        configErrors = counter(CONFIG_ERRORS, "Tenants files rejected (the last good one stays in force)");
        wakeToClaim = Timer.builder(WAKE_TO_CLAIM)
                .description("From a wake-up's arrival to the claim of the first job after it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder(POLLERS_ACTIVE, activePollers, AtomicInteger::get)
                .description("Tenant pollers running (each holds one database connection)").register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    void wakeReceived(WakeMessage.Kind kind, Transport transport) {
        received.get(kind).get(transport).increment();
    }

    void wakeDropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    void polled() {
        polls.increment();
    }

    void claimed(int jobs) {
        claimed.increment(jobs);
    }

    void done() {
        done.increment();
    }

    void failed() {
        failed.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void leaseLost() {
        leaseLost.increment();
    }

    void wakeToClaim(long nanos) {
        wakeToClaim.record(nanos, TimeUnit.NANOSECONDS);
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void pollerStarted() {
        activePollers.incrementAndGet();
    }

    void pollerStopped() {
        activePollers.decrementAndGet();
    }

    /**
     * {@code operation} is one of a fixed few ({@code connect}, {@code claim}, {@code settle}, {@code release}, and
     * {@code claim_idle_connection}/{@code settle_idle_connection} for a pooled connection found broken).
     */
    void dbError(String operation) {
        dbErrors.computeIfAbsent(operation, op -> Counter.builder(DB_ERRORS)
                .description("Failed connection attempts and statements").tag("operation", op)
                .register(registry)).increment();
    }

    void configReloaded() {
        configReloads.increment();
    }

    void configError() {
        configErrors.increment();
    }

    public int activePollers() {
        return activePollers.get();
    }
}
