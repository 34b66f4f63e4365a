package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --lease-seconds} is the lease the claim statement writes, and a shutdown with a job running says it drains
 * that job and how long it took: a worker started from its command line, on both servers.
 */
class WorkerLeaseOnServerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void theClaimUsesLeaseSecondsAndShutdownReportsTheDrain(DbServer db) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobHandler blocking = job -> {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
        };
        try (WorkerFixture f = new WorkerFixture(); LogCapture log = new LogCapture();
             DatagramSocket sender = new DatagramSocket()) {
            WorkerFixture.Tenant tenant = WorkerFixture.tenant(db, "lease");
            f.writeTenants(tenant);
            WorkerMain.Running running = WorkerMain.start(Map.of("tenants-file", f.tenantsFile.toString(),
                    "port", "0", "metrics-port", "0", "bind-address", "127.0.0.1", "lease-seconds", "7",
                    "shutdown-delay-seconds", "0"), UnaryOperator.identity(), h -> blocking);
            await().atMost(Duration.ofSeconds(30)).until(() -> running.runtime().ready());
            tenant.insert("{}");
            byte[] wake = WakeCodec.encode(WakeMessage.insert(tenant.key()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                sender.send(new DatagramPacket(wake, wake.length, WorkerFixture.LOOPBACK, running.runtime().port()));
                return started.await(500, TimeUnit.MILLISECONDS);
            });

            long leftMicros;
            try (Connection c = tenant.schema().worker(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, NOW(3), claim_expires) FROM _queue")) {
                rs.next();
                leftMicros = rs.getLong(1);
            }
            System.out.println(db + ": lease left after the claim " + leftMicros / 1000 + " ms (lease-seconds=7)");
            assertThat(leftMicros).as("at most the 7 s asked for, not the 60 s default").isLessThanOrEqualTo(7_000_000);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(running::close);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.contains("shutting down: 1 job(s) running"));
            release.countDown();
            closing.get(60, TimeUnit.SECONDS);
            assertThat(log.lines.stream().filter(l -> l.contains("shut down in ")).findFirst().orElseThrow())
                    .contains("0 job(s) still running were interrupted");
            assertThat(tenant.count("SELECT COUNT(*) FROM _queue")).as("the drained job finished").isZero();
        }
    }
}
