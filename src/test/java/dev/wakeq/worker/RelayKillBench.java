package dev.wakeq.worker;

import dev.wakeq.demo.LatencyLog;
import dev.wakeq.testbed.DbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay killed under load (issue #14): 20 binlog tenants served by one in-process worker, 50 inserts/s for
 * 12 s, the relay process killed with SIGKILL after 4 s and started again 2 s later (what a Deployment does, minus
 * scheduling). Prints jobs inserted, handled, lost, and the longest insert-to-handled time against the p99.
 */
final class RelayKillBench {

    private static final int TENANTS = 20;

    private RelayKillBench() {
    }

    static void run(DbServer db) throws Exception {
        LatencyLog latency = new LatencyLog();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (WorkerFixture w = new WorkerFixture()) {
            List<WorkerFixture.Tenant> tenants = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                WorkerFixture.Tenant t = WorkerFixture.tenant(db, "kill");
                tenants.add(t);
                entries.add(t.json().replace("}", ",\"wakeSource\":\"Binlog\"}"));
            }
            w.writeTenantsText("{\"version\":1,\"tenants\":[" + String.join(",", entries) + "]}");
            w.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)), job -> {
                String[] parts = job.payload().split(":");
                latency.add((System.nanoTime() - Long.parseLong(parts[1])) / 1e6);
                handled.add(job.payload());
            });
            StringBuilder relayTenants = new StringBuilder();
            for (WorkerFixture.Tenant t : tenants) {
                relayTenants.append(relayTenants.isEmpty() ? "" : ",").append("{\"key\":\"").append(t.key())
                        .append("\",\"name\":\"").append(t.name()).append("\",\"schema\":\"")
                        .append(t.schema().name()).append("\",\"wakeHost\":\"127.0.0.1\",\"wakePort\":")
                        .append(w.runtime.port()).append('}');
            }
            RelayScaleBench.RelayProcess relay = RelayScaleBench.RelayProcess.start(db, relayTenants.toString());
            // Streaming once every tenant has had its first sweep's poll.
            BinlogSourceBench.await(() -> w.polls() >= TENANTS, 60_000);
            List<String> inserted = new ArrayList<>();
            long t0 = System.nanoTime();
            long killedAt = 0;
            long restartedAt = 0;
            try (Connection c = db.rootConnection()) {
                for (int i = 0; i < 600; i++) {
                    long now = System.nanoTime();
                    if (killedAt == 0 && now - t0 > 4_000_000_000L) {
                        relay.kill();
                        killedAt = now;
                    }
                    if (restartedAt == 0 && killedAt != 0 && now - killedAt > 2_000_000_000L) {
                        relay = RelayScaleBench.RelayProcess.start(db, relayTenants.toString());
                        restartedAt = now;
                    }
                    WorkerFixture.Tenant t = tenants.get(i % TENANTS);
                    String payload = i + ":" + System.nanoTime();
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO `" + t.schema().name()
                            + "`.`_queue` (payload) VALUES (?)")) {
                        ps.setString(1, payload);
                        ps.executeUpdate();
                    }
                    inserted.add(payload);
                    long due = t0 + (i + 1) * 20_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            try {
                BinlogSourceBench.await(() -> handled.size() >= inserted.size(), 120_000);
            } catch (IllegalStateException e) {
                System.out.println("  not all handled within 120 s");
            }
            long lost = inserted.stream().filter(p -> !handled.contains(p)).count();
            System.out.printf("%s: relay killed under load (50 inserts/s over %d binlog tenants, SIGKILL at 4 s, "
                            + "new relay process 2 s later): %d inserted, %d handled, %d lost; insert-to-handled p50 "
                            + "%.1f ms, p99 %.1f ms, longest %.0f ms%n", db.name(), TENANTS, inserted.size(),
                    handled.size(), lost, latency.percentile(0.5), latency.percentile(0.99), latency.percentile(1));
            relay.close();
        }
    }
}
