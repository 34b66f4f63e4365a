package dev.wakeq.worker;

import dev.wakeq.bench.CommitToClaim;
import dev.wakeq.install.Fixtures;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Commit-to-claim on both servers of the test bed, measured as {@code scripts/bench.sh} measures it on the
 * embedded MySQL 8 (single-row autocommit inserts 50 ms apart, the real function and trigger, the time from the
 * INSERT's return to the handler's call), next to what one autocommit INSERT itself takes there: the claim is a
 * write too, but jobs start before its COMMIT returns (TenantQueue.claim), so only the insert's commit is in the
 * figure. Prints numbers; asserts nothing.
 * Run by {@code scripts/latency-bench.sh [SAMPLES]}.
 */
public final class ClaimLatencyBench {

    private ClaimLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        System.out.println("wakeq commit-to-claim on the test bed's servers, " + samples + " samples each");
        for (DbServer db : List.of(TestDatabases.mariadb(), TestDatabases.mysql8())) {
            run(db, samples);
        }
        System.exit(0);
    }

    private static void run(DbServer db, int samples) throws Exception {
        CommitToClaim probe = new CommitToClaim();
        try (WorkerFixture w = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "lat");
            // Before the start: the runtime reads its tenants before it listens.
            w.writeTenants(t);
            w.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)), probe::handle);
            InstallReport report = new TenantInstaller().install(Fixtures.spec(t.schema(), TestDatabases.udfVersion())
                    .wakeTarget("127.0.0.1", w.runtime.port()).tenantKey(t.key()).build());
            if (report.hasProblems()) {
                throw new IllegalStateException("install failed: " + report.problems());
            }
            double pollsBefore = w.meters.counter(WorkerMetrics.POLLS).count();
            try (Connection c = t.schema().worker(); Statement s = c.createStatement()) {
                probe.run(s, samples, () -> "; wakes received " + w.meters.find(WorkerMetrics.WAKES_RECEIVED)
                        .counters().stream().mapToDouble(x -> x.count()).sum() + ", polls "
                        + w.meters.counter(WorkerMetrics.POLLS).count());
            }
            double polls = w.meters.counter(WorkerMetrics.POLLS).count() - pollsBefore;
            System.out.printf("%s: commit-to-claim (handler called) p50 %.2f ms, p99 %.2f ms, max %.2f ms; the "
                            + "INSERT itself p50 %.2f ms, p99 %.2f ms; %.1f claim queries per job%n", db.name(),
                    probe.claim().percentile(0.5), probe.claim().percentile(0.99), probe.claim().percentile(1),
                    probe.insert().percentile(0.5), probe.insert().percentile(0.99), polls / samples);
        }
    }
}
