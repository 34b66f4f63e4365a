package dev.wakeq.worker;

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
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * What the inserting side pays for each wake source, timed (not counted in instructions): single-row autocommit
 * INSERTs into a queue with no trigger and no reader, the same with a relay streaming the binary log, and into a
 * queue with the wakeq trigger. Whole-server CPU (user + system of the server process, which includes the dump
 * thread the relay makes work) and wall-clock per insert, in alternating rounds. The binary log is on in every
 * variant, so each pays its own fsyncs alike.
 */
final class InsertCost {

    private static final int ROWS = 2000;
    private static final int ROUNDS = 3;

    private InsertCost() {
    }

    static void run(DbServer db) throws Exception {
        TestSchema plain = queue(db, "cost_plain");
        TestSchema relayed = queue(db, "cost_relay");
        TestSchema triggered = queue(db, "cost_trigger");
        InstallReport report = new TenantInstaller().install(Fixtures.spec(triggered, TestDatabases.udfVersion())
                .tenantKey("cost-trigger").build());
        if (report.hasProblems()) {
            throw new IllegalStateException("install failed: " + report.problems());
        }
        long pid = db.pid();
        double[] cpu = new double[3];
        double[] wall = new double[3];
        for (int round = 0; round < ROUNDS; round++) {
            measure(db, plain, pid, null, cpu, wall, 0);
            RelayTenant t = new RelayTenant("cost-relay", "bench/cost", relayed.name(), "_queue", "127.0.0.1", 9);
            try (BinlogRelay relay = BinlogRelay.start(new RelaySetup(new RelayServer(db.host(), db.port(),
                    DbServer.RELAY_USER, DbServer.RELAY_PASSWORD), List.of(t)), RelayTimings.DEFAULTS,
                    new SimpleMeterRegistry())) {
                BinlogSourceBench.await(() -> relay.status().streaming(), 30_000);
                measure(db, relayed, pid, relay, cpu, wall, 1);
            }
            measure(db, triggered, pid, null, cpu, wall, 2);
        }
        int n = ROWS * ROUNDS;
        System.out.printf("%s insert cost, %d single-row autocommit INSERTs per variant in %d alternating rounds: "
                        + "server CPU per insert plain %.1f µs, with relay %.1f µs (x%.3f), with trigger %.1f µs "
                        + "(x%.3f); wall per insert plain %.3f ms, with relay %.3f ms (x%.3f), with trigger %.3f ms "
                        + "(x%.3f)%n", db.name(), n, ROUNDS, cpu[0] / n, cpu[1] / n, cpu[1] / cpu[0], cpu[2] / n,
                cpu[2] / cpu[0], wall[0] / n, wall[1] / n, wall[1] / wall[0], wall[2] / n, wall[2] / wall[0]);
    }

    private static void measure(DbServer db, TestSchema schema, long pid, BinlogRelay relay, double[] cpu,
                                double[] wall, int slot) throws Exception {
        try (Connection c = schema.worker(); Statement s = c.createStatement()) {
            long cpu0 = ProcessCpu.micros(pid);
            long t0 = System.nanoTime();
            for (int i = 0; i < ROWS; i++) {
                s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('x')");
            }
            wall[slot] += (System.nanoTime() - t0) / 1e6;
            // Let the dump thread finish sending what these inserts wrote, so its CPU lands in this variant.
            Thread.sleep(200);
            cpu[slot] += ProcessCpu.micros(pid) - cpu0;
        }
    }

    private static TestSchema queue(DbServer db, String prefix) throws Exception {
        TestSchema schema = db.newSchema(prefix);
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute(QueueSchema.createQueueTable(SqlIdentifier.of("queue", "_queue")));
        }
        return schema;
    }
}
