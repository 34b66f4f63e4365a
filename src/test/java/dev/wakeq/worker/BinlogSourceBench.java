package dev.wakeq.worker;

import dev.wakeq.bench.CommitToClaim;
import dev.wakeq.install.Fixtures;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.relay.BinlogRelay;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelaySetup;
import dev.wakeq.relay.RelayTenant;
import dev.wakeq.relay.RelayTimings;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The binlog wake source beside the trigger source, same run, both servers of the test bed (issue #14): commit-to-
 * claim (as {@code scripts/latency-bench.sh} measures it), claim queries per job with one job every 0.5 s, and
 * the inserting side's cost timed with and without a relay attached ({@link InsertCost}). Prints numbers; asserts
 * nothing. Run by {@code scripts/relay-bench.sh}.
 */
public final class BinlogSourceBench {

    private BinlogSourceBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int paced = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        System.out.println("wakeq binlog vs trigger source: " + samples + " commit-to-claim samples (50 ms apart), "
                + paced + " jobs one per 0.5 s, per source and server");
        for (DbServer db : List.of(TestDatabases.mariadb(), TestDatabases.mysql8())) {
            for (WakeSource source : WakeSource.values()) {
                run(db, source, samples, paced);
            }
            InsertCost.run(db);
        }
        System.exit(0);
    }

    private static void run(DbServer db, WakeSource source, int samples, int paced) throws Exception {
        CommitToClaim probe = new CommitToClaim();
        try (WorkerFixture w = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "bench_" + source.name().toLowerCase());
            String entry = source == WakeSource.BINLOG ? t.json().replace("}", ",\"wakeSource\":\"Binlog\"}") : t.json();
            w.writeTenantsText("{\"version\":1,\"tenants\":[" + entry + "]}");
            // The worker's default idle timeout (10 s), as deployed.
            // The paced jobs are not the probe's: it would wait for their commit times forever.
            w.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)), job -> {
                if (!job.payload().startsWith("paced-")) {
                    probe.handle(job);
                }
            });
            AutoCloseable wakeSource = source == WakeSource.BINLOG ? relay(db, t, w.runtime.port()) : trigger(t, w);
            try (wakeSource; Connection c = t.schema().worker(); Statement s = c.createStatement()) {
                long polls0 = w.polls();
                probe.run(s, samples, () -> "; polls " + w.polls());
                double perJob = (double) (w.polls() - polls0) / samples;
                // One job every 0.5 s: what a busy tenant of the demo looks like.
                await(() -> w.activePollers() == 0, 60_000);
                long polls1 = w.polls();
                for (int i = 0; i < paced; i++) {
                    long next = System.nanoTime() + 500_000_000L;
                    s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('paced-" + i + "')");
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                }
                await(() -> w.activePollers() == 0, 60_000);
                System.out.printf("%s %-7s: commit-to-claim p50 %.2f ms, p99 %.2f ms, max %.2f ms; %.2f claim "
                                + "queries per job (50 ms apart), %.2f per job one every 0.5 s (until the poller "
                                + "went idle)%n", db.name(), source, probe.claim().percentile(0.5),
                        probe.claim().percentile(0.99), probe.claim().percentile(1), perJob,
                        (double) (w.polls() - polls1) / paced);
            }
        }
    }

    private static AutoCloseable relay(DbServer db, WorkerFixture.Tenant t, int port) throws Exception {
        RelayTenant tenant = new RelayTenant(t.key(), t.name(), t.schema().name(), "_queue", "127.0.0.1", port);
        BinlogRelay relay = BinlogRelay.start(new RelaySetup(new RelayServer(db.host(), db.port(),
                DbServer.RELAY_USER, DbServer.RELAY_PASSWORD), List.of(tenant)), RelayTimings.DEFAULTS,
                new SimpleMeterRegistry());
        await(() -> relay.status().streaming(), 30_000);
        return relay;
    }

    private static AutoCloseable trigger(WorkerFixture.Tenant t, WorkerFixture w) throws Exception {
        InstallReport report = new TenantInstaller().install(Fixtures.spec(t.schema(), TestDatabases.udfVersion())
                .wakeTarget("127.0.0.1", w.runtime.port()).tenantKey(t.key()).build());
        if (report.hasProblems()) {
            throw new IllegalStateException("install failed: " + report.problems());
        }
        return () -> { };
    }

    static void await(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("condition not met within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }
}
