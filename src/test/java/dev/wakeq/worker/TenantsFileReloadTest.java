package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator rewrites the tenants file; the worker follows without a restart and never logs a password. */
class TenantsFileReloadTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void addRemoveBadFileAndChangedCredentials(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture(); LogCapture logs = new LogCapture()) {
            WorkerFixture.Tenant a = WorkerFixture.tenant(db, "reload_a");
            WorkerFixture.Tenant b = WorkerFixture.tenant(db, "reload_b");
            f.writeTenants(a);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config(), handler);
            assertThat(f.count(WorkerMetrics.CONFIG_RELOADS)).isEqualTo(1);

            // Not yet configured: b's wake-up is dropped.
            b.insert("b1");
            f.insertWake(b);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> f.count(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant") == 1);

            f.writeTenants(a, b);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.count(WorkerMetrics.CONFIG_RELOADS) == 2);
            f.insertWake(b);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.succeeded.contains("b1"));

            // A broken file (which quotes a password where the parser stops) changes nothing.
            String leaked = "Leaky-Pass-" + System.nanoTime();
            f.writeTenantsText("{\"version\":1,\"tenants\":[{\"key\":\"" + a.key() + "\",\"password\":" + leaked);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.count(WorkerMetrics.CONFIG_ERRORS) == 1);
            a.insert("a1");
            f.insertWake(a);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.succeeded.contains("a1"));

            // a removed, b's password changed to a wrong one: a is unknown, b cannot connect any more.
            String wrong = "Wrong-Pass-" + System.nanoTime();
            f.writeTenants(b.withPassword(wrong));
            await().atMost(Duration.ofSeconds(5)).until(() -> f.count(WorkerMetrics.CONFIG_RELOADS) == 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.activePollers() == 0);
            a.insert("a2");
            f.insertWake(a);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> f.count(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant") == 2);
            b.insert("b2");
            f.insertWake(b);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.count(WorkerMetrics.DB_ERRORS, "operation", "connect") >= 1);
            assertThat(handler.succeeded).containsExactlyInAnyOrder("b1", "a1");

            assertThat(logs.contains("rejected")).isTrue();
            assertThat(logs.lines).noneMatch(l -> l.contains(leaked) || l.contains(wrong)
                    || l.contains(DbServer.WORKER_PASSWORD));
        }
    }
}
