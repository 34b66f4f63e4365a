package dev.wakeq.demo;

import dev.wakeq.embedded.EmbeddedWithFunction;
import dev.wakeq.embedded.LocalMysqld;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.relay.BinlogRelay;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelaySetup;
import dev.wakeq.relay.RelayTenant;
import dev.wakeq.relay.RelayTimings;
import dev.wakeq.worker.TenantConfig;
import dev.wakeq.worker.WorkerConfig;
import dev.wakeq.worker.WorkerRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * wakeq's main job on an embedded default: an Oracle MySQL 8 server started from a Maven artifact, three tenants
 * served by wake-ups (function + trigger + event, worker runtime) and the same three tenants served by plain
 * 1-second polling, the same jobs inserted into both, and live figures side by side.
 *
 * <p>With {@code --wake=binlog} the wakeq tenants use the binary-log source instead: no function, trigger or event; a
 * {@link BinlogRelay} reads the server's binary log (on by default in MySQL 8) and sends the wake-ups after the commit.
 *
 * <p>Run with {@code scripts/demo.sh [--seconds=N] [--wake=trigger|binlog]}.
 */
public final class DemoMain {

    /** name, mean seconds between inserts (0 = never). */
    private record Tenant(String name, double meanGapSeconds) {
    }

    private static final List<Tenant> TENANTS = List.of(new Tenant("acme", 0.5), new Tenant("globex", 5),
            new Tenant("initech", 0));
    private static final Duration PLAIN_POLL_INTERVAL = Duration.ofSeconds(1);

    public static void main(String[] args) throws Exception {
        int seconds = 60;
        boolean binlog = false;
        for (String arg : args) {
            if (arg.startsWith("--seconds=")) {
                seconds = Integer.parseInt(arg.substring("--seconds=".length()));
            } else if (arg.equals("--wake=binlog") || arg.equals("--wake=trigger")) {
                binlog = arg.endsWith("binlog");
            } else {
                throw new IllegalArgumentException("unknown option " + arg + " (--seconds=N, --wake=trigger|binlog)");
            }
        }
        System.out.println("wakeq demo: starting an embedded MySQL 8.0 (first run unpacks it, ~10 s)...");
        try (EmbeddedWithFunction server = EmbeddedWithFunction.start("demo")) {
            run(server.mysql(), seconds, binlog);
        }
    }

    private static void run(LocalMysqld mysql, int seconds, boolean binlog) throws Exception {
        LatencyLog wakeLatency = new LatencyLog();
        LatencyLog pollLatency = new LatencyLog();
        WorkerRuntime worker = WorkerRuntime.start(WorkerConfig.builder().port(0).workerId("demo-worker").build(),
                job -> wakeLatency.handled(job.payload()), new SimpleMeterRegistry());
        List<IntervalPoller> pollers = new ArrayList<>();
        BinlogRelay relay = null;
        try (Connection root = mysql.rootConnection()) {
            List<TenantConfig> configs = new ArrayList<>();
            List<RelayTenant> relayTenants = new ArrayList<>();
            DemoTenants schemas = new DemoTenants(mysql);
            Random random = new Random(42);
            for (Tenant t : TENANTS) {
                String key = key(random);
                if (binlog) {
                    configs.add(schemas.createBinlog("wq_" + t.name(), "demo/" + t.name(), key, worker.port()));
                    relayTenants.add(new RelayTenant(key, "demo/" + t.name(), "wq_" + t.name(),
                            DemoTenants.QUEUE.name(), "127.0.0.1", worker.port()));
                } else {
                    configs.add(schemas.createWoken("wq_" + t.name(), "demo/" + t.name(), key, worker.port(),
                            TenantSpec.DEFAULT_SWEEP_MINUTES));
                }
                schemas.createPolled("poll_" + t.name());
                pollers.add(schemas.poller("poll_" + t.name(), PLAIN_POLL_INTERVAL,
                        row -> pollLatency.handled(row.payload())));
            }
            worker.setTenants(configs);
            if (binlog) {
                // The embedded server's root account: a throw-away local server (a real relay gets its own account).
                relay = BinlogRelay.start(new RelaySetup(new RelayServer(mysql.host(), mysql.port(), "root", ""),
                        relayTenants), RelayTimings.DEFAULTS, new SimpleMeterRegistry());
                System.out.printf("wake source Binlog: no function, trigger or event in %d tenant schemas; one relay "
                        + "reads the binary log (5-minute sweep); worker listens on UDP+TCP %d; plain pollers ask "
                        + "every %d ms%n%n", TENANTS.size(), worker.port(), PLAIN_POLL_INTERVAL.toMillis());
            } else {
                System.out.printf("installed function, trigger and 5-minute sweep event in %d tenant schemas; worker "
                        + "listens on UDP+TCP %d; plain pollers ask every %d ms%n%n", TENANTS.size(), worker.port(),
                        PLAIN_POLL_INTERVAL.toMillis());
            }

            QueueSelectCounter counter = new QueueSelectCounter(root);
            counter.start();
            Inserter inserter = new Inserter(mysql, TENANTS.stream().filter(t -> t.meanGapSeconds() > 0)
                    .map(t -> Map.entry(t.name(), t.meanGapSeconds())).toList());
            long started = System.nanoTime();
            inserter.start();
            for (int elapsed = 5; elapsed <= seconds; elapsed += 5) {
                Thread.sleep(Math.max(0, started / 1_000_000 + elapsed * 1000L - System.nanoTime() / 1_000_000));
                print(counter.queueSelectsByUser(DemoTenants.QUEUE.name()), (System.nanoTime() - started) / 1e9,
                        wakeLatency, pollLatency, inserter, binlog ? "binlog" : "trigger");
            }
            inserter.stop();
            counter.stop();
            System.out.println("""
                    Reading: queue SELECTs are counted from MySQL's general log per database user (one user per
                    tenant and mode). wakeq tenants poll only after a wake-up and stop 10 s after their queue
                    empties; the idle tenant costs nothing but its sweep (12 SELECTs/hour at the default 5 min).
                    Latency is from just before the INSERT to the handler, so it includes the insert itself.""");
            if (binlog) {
                System.out.println("""
                        Binlog source: the relay's wake-up follows the commit, so a tenant polls once per wake-up with
                        no idle tail; each tenant's first SELECT is the relay's start-of-stream sweep.""");
            }
        } finally {
            if (relay != null) {
                relay.close();
            }
            worker.close();
            for (IntervalPoller p : pollers) {
                p.close();
            }
        }
    }

    private static void print(Map<String, Long> selects, double elapsed, LatencyLog wake, LatencyLog poll,
                              Inserter inserter, String source) {
        System.out.printf("after %.0f s: %d jobs inserted per mode%n", elapsed, inserter.inserted() / 2);
        String wakeq = "binlog".equals(source) ? "binlog SELECTs (per h)" : "wakeq SELECTs (per h)";
        System.out.printf("  %-10s %22s %22s%n", "tenant", wakeq, "1 s polling (per h)");
        for (Tenant t : TENANTS) {
            long w = selects.getOrDefault("wq_" + t.name(), 0L);
            long p = selects.getOrDefault("poll_" + t.name(), 0L);
            System.out.printf("  %-10s %10d (%9.0f) %10d (%9.0f)%n", t.name(), w, w * 3600 / elapsed, p,
                    p * 3600 / elapsed);
        }
        System.out.printf("  jobs handled: wakeq %d, polling %d;  insert-to-handled p50/p99: wakeq %.1f/%.1f ms,"
                        + " polling %.1f/%.1f ms%n%n", wake.count(), poll.count(), wake.percentile(0.5),
                wake.percentile(0.99), poll.percentile(0.5), poll.percentile(0.99));
    }

    private static String key(Random random) {
        return "demo" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    }

    private DemoMain() {
    }
}
