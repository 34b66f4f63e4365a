package dev.wakeq.bench;

import dev.wakeq.demo.IntervalPoller;
import dev.wakeq.demo.QueueSelectCounter;
import dev.wakeq.embedded.EmbeddedWithFunction;
import dev.wakeq.embedded.LocalMysqld;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
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

    private static final SqlIdentifier QUEUE = SqlIdentifier.of("queue table", "_queue");
    private static final SqlIdentifier DEAD = QueueSchema.defaultDeadLetterTable(QUEUE);
    private static final String PASSWORD = "bench-only-password";

    /** What each tenant's handler does with a job: keyed by tenant name. */
    private final Map<String, Consumer<Job>> handlers = new ConcurrentHashMap<>();
    private final LocalMysqld mysql;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WorkerRuntime worker;
    private final List<TenantConfig> tenants = new ArrayList<>();

    private CoreBench(LocalMysqld mysql) throws Exception {
        this.mysql = mysql;
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
        latency(200);
        late();
        throughput(1, 5000);
        throughput(4, 5000);
    }

    /** One idle tenant with a 1-minute sweep next to a 1 s poller, for 130 s: queue SELECTs per sweep. */
    private void idle() throws Exception {
        String name = tenant("idle", 1);
        createPlainSchema("poll_idle");
        try (Connection root = mysql.rootConnection();
             IntervalPoller poller = new IntervalPoller(mysql.jdbcUrl("poll_idle"), "poll_idle", PASSWORD, QUEUE, DEAD,
                     Duration.ofSeconds(1), row -> { })) {
            QueueSelectCounter counter = new QueueSelectCounter(root);
            double sweepsBefore = sweeps();
            counter.start();
            long started = System.nanoTime();
            Thread.sleep(130_000);
            counter.stop();
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> selects = counter.queueSelectsByUser(QUEUE.name());
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
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        List<Double> millis = new ArrayList<>();
        CountDownLatch[] done = new CountDownLatch[1];
        handlers.put(name, job -> {
            long now = System.nanoTime();
            Long c = committedAt.get(job.payload());
            while (c == null) { // the handler can run before the inserter has stored its commit time
                Thread.onSpinWait();
                c = committedAt.get(job.payload());
            }
            synchronized (millis) {
                millis.add((now - c) / 1e6);
            }
            done[0].countDown();
        });
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(name), "root", "");
             Statement s = c.createStatement()) {
            for (int i = 0; i < samples; i++) {
                done[0] = new CountDownLatch(1);
                s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('" + i + "')");
                committedAt.put(Integer.toString(i), System.nanoTime());
                if (!done[0].await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("job " + i + " not handled within 10 s");
                }
                Thread.sleep(50);
            }
        }
        millis.sort(null);
        System.out.printf("commit-to-claim (handler called), %d single-row autocommit inserts: p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms (includes the handler hand-off)%n", millis.size(),
                millis.get(millis.size() / 2), millis.get((int) (millis.size() * 0.99)), millis.get(millis.size() - 1));
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
        createUser(schema);
        String key = "bench" + name.replace("_", "");
        InstallReport report = new TenantInstaller().install(TenantSpec.builder()
                .database(mysql.host(), mysql.port(), schema).credentials("root", "")
                .wakeTarget("127.0.0.1", worker.port()).tenantKey(key).functionVersion("v1")
                .sweepMinutes(sweepMinutes).createQueueTable(true).build());
        if (report.hasProblems()) {
            throw new IllegalStateException("install failed for " + schema + ": " + report.problems());
        }
        tenants.add(new TenantConfig(key, schema, mysql.jdbcUrl(schema), schema, PASSWORD, QUEUE, DEAD));
        worker.setTenants(List.copyOf(tenants));
        return schema;
    }

    private void createPlainSchema(String schema) throws Exception {
        createUser(schema);
        try (Connection root = mysql.rootConnection(); Statement s = root.createStatement()) {
            s.execute("USE `" + schema + "`");
            s.execute(QueueSchema.createQueueTable(QUEUE));
            s.execute(QueueSchema.createDeadLetterTable(DEAD));
        }
    }

    private void createUser(String schema) throws Exception {
        try (Connection root = mysql.rootConnection(); Statement s = root.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
            s.execute("CREATE USER '" + schema + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + schema + "`.* TO '" + schema + "'@'%'");
        }
    }
}
