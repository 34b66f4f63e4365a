package dev.wakeq.bench;

import dev.wakeq.demo.DemoTenants;
import dev.wakeq.demo.IntervalPoller;
import dev.wakeq.demo.LatencyLog;
import dev.wakeq.demo.QueueSelectCounter;
import dev.wakeq.embedded.EmbeddedWithFunction;
import dev.wakeq.embedded.LocalMysqld;
import dev.wakeq.worker.Job;
import dev.wakeq.worker.TenantConfig;
import dev.wakeq.worker.WorkerConfig;
import dev.wakeq.worker.WorkerMetrics;
import dev.wakeq.worker.WorkerRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The wake-up core's figures (issue "wake-up core"), measured in one run on an embedded MySQL 8.0 with the real
 * function, trigger, sweep event and worker runtime: idle cost with the sweep against 1 s polling, commit-to-claim
 * latency, throughput with one and four tenants, and a late commit. Prints numbers; asserts nothing.
 *
 * <p>Run with {@code scripts/bench.sh}.
 */
public final class CoreBench {

    /** What each tenant's handler does with a job: keyed by tenant name. */
    private final Map<String, Consumer<Job>> handlers = new ConcurrentHashMap<>();
    private final LocalMysqld mysql;
    private final DemoTenants schemas;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WorkerRuntime worker;
    private final List<TenantConfig> tenants = new ArrayList<>();

    private CoreBench(LocalMysqld mysql) throws Exception {
        this.mysql = mysql;
        this.schemas = new DemoTenants(mysql);
        this.worker = WorkerRuntime.start(WorkerConfig.builder().port(0).workerId("bench").batchSize(50)
                        .handlerThreads(16).build(),
                job -> handlers.getOrDefault(job.tenant(), j -> { }).accept(job), meters);
    }

    public static void main(String[] args) throws Exception {
        System.out.println("wakeq core benchmark: embedded MySQL 8.0, function + trigger + event + worker runtime");
        try (EmbeddedWithFunction server = EmbeddedWithFunction.start("bench")) {
            CoreBench bench = new CoreBench(server.mysql());
            try {
                bench.run();
            } finally {
                bench.worker.close();
            }
        }
    }

    private void run() throws Exception {
        idle();
        latency(300);
        late();
        throughput(1, 5000);
        throughput(4, 5000);
    }

    /** One idle tenant with a 1-minute sweep next to a 1 s poller, for 130 s: queue SELECTs per sweep. */
    private void idle() throws Exception {
        String name = tenant("idle", 1);
        schemas.createPolled("poll_idle");
        try (Connection root = mysql.rootConnection();
             IntervalPoller poller = schemas.poller("poll_idle", Duration.ofSeconds(1), row -> { })) {
            QueueSelectCounter counter = new QueueSelectCounter(root);
            double sweepsBefore = sweeps();
            counter.start();
            long started = System.nanoTime();
            Thread.sleep(130_000);
            counter.stop();
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> selects = counter.queueSelectsByUser(DemoTenants.QUEUE.name());
            double sweeps = sweeps() - sweepsBefore;
            long wakeq = selects.getOrDefault(name, 0L);
            long plain = selects.getOrDefault("poll_idle", 0L);
            System.out.printf("idle: %.0f s, %d queue SELECTs for %.0f sweeps (1-minute event) -> %.1f SELECTs/hour"
                            + " at the default 5-minute sweep; 1 s polling: %d SELECTs -> %.0f/hour%n", seconds, wakeq,
                    sweeps, sweeps == 0 ? Double.NaN : wakeq / sweeps * 12, plain, plain * 3600 / seconds);
        }
    }

    /** Commit-to-handled: autocommit single-row inserts, one at a time, 50 ms apart (the poller stays active). */
    private void latency(int samples) throws Exception {
        String name = tenant("latency", 5);
        CommitToClaim probe = new CommitToClaim();
        double pollsBefore = meters.get(WorkerMetrics.POLLS).counter().count();
        handlers.put(name, probe::handle);
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(name), "root", "");
             Statement s = c.createStatement()) {
            probe.run(s, samples, () -> "");
        }
        double polls = meters.get(WorkerMetrics.POLLS).counter().count() - pollsBefore;
        LatencyLog millis = probe.claim();
        System.out.printf("  the INSERT statement itself (the trigger fires early in it, the commit ends it): p50 %.2f ms, "
                + "p99 %.2f ms; %.1f claim queries per job%n", probe.insert().percentile(0.5),
                probe.insert().percentile(0.99), polls / samples);
        System.out.printf("commit-to-claim (handler called), %d single-row autocommit inserts: p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms (includes the handler hand-off)%n", millis.count(),
                millis.percentile(0.5), millis.percentile(0.99), millis.percentile(1));
    }

    /** A row inserted in a transaction that commits 3 s later. */
    private void late() throws Exception {
        String name = tenant("late", 5);
        long[] handledAt = new long[1];
        CountDownLatch done = new CountDownLatch(1);
        handlers.put(name, job -> {
            handledAt[0] = System.nanoTime();
            done.countDown();
        });
        long committed;
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(name), "root", "");
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('late')");
            Thread.sleep(3000);
            c.commit();
            committed = System.nanoTime();
        }
        if (!done.await(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("late job not handled within 15 s of its commit");
        }
        System.out.printf("late commit (3 s after the insert): claimed %.0f ms after the commit%n",
                (handledAt[0] - committed) / 1e6);
    }

    /** {@code jobs} rows per tenant inserted in one statement each, no-op handler: time until all are done. */
    private void throughput(int tenantCount, int jobs) throws Exception {
        AtomicInteger handled = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        int total = tenantCount * jobs;
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tenantCount; t++) {
            String name = tenant("tp" + tenantCount + "_" + t, 5);
            names.add(name);
            handlers.put(name, job -> {
                if (handled.incrementAndGet() == total) {
                    done.countDown();
                }
            });
        }
        long started = System.nanoTime();
        for (String name : names) {
            try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(name), "root", "");
                 Statement s = c.createStatement()) {
                StringBuilder sql = new StringBuilder("INSERT INTO `_queue` (payload) VALUES ");
                for (int i = 0; i < jobs; i++) {
                    sql.append(i == 0 ? "" : ",").append("('j").append(i).append("')");
                }
                s.executeUpdate(sql.toString());
            }
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + handled.get() + " of " + total + " jobs done in 300 s");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("throughput, %d tenant(s) x %d jobs, no-op handler, one worker: %.0f jobs/s "
                + "(%d jobs claimed, handled and deleted in %.2f s, inserts included)%n",
                tenantCount, jobs, total / seconds, total, seconds);
    }

    private double sweeps() {
        return meters.find(WorkerMetrics.WAKES_RECEIVED).tag("kind", "sweep").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** A tenant schema with its own database user, the queue table, function, trigger and event installed. */
    private String tenant(String name, int sweepMinutes) throws Exception {
        String schema = "wq_" + name;
        tenants.add(schemas.createWoken(schema, schema, "bench" + name.replace("_", ""), worker.port(),
                sweepMinutes));
        worker.setTenants(List.copyOf(tenants));
        return schema;
    }
}
