package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wake path on real databases: datagram or sweep in, job handled, with the query costs the design promises. */
class WorkerEndToEndTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void udpInsertWakeDeliversTheJob(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "e2e_udp");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config(), handler);
            t.insert("hello");
            f.insertWake(t);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.succeeded.contains("hello"));
            Job job = handler.calls.get(0).job();
            assertThat(job.tenant()).isEqualTo(t.name());
            assertThat(job.attempts()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.count("SELECT COUNT(*) FROM _queue") == 0);
            assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "insert", "protocol", "udp")).isEqualTo(1);
            assertThat(f.count(WorkerMetrics.JOBS_CLAIMED)).isEqualTo(1);
            assertThat(f.count(WorkerMetrics.JOBS_DONE)).isEqualTo(1);
            Timer latency = f.meters.find(WorkerMetrics.WAKE_TO_CLAIM).timer();
            assertThat(latency.count()).isEqualTo(1);
            System.out.printf("[%s] wake-to-claim: %.2f ms%n", db, latency.totalTime(TimeUnit.MICROSECONDS) / 1000.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void idleTenantCostsNoQueriesAndASweepOfAnEmptyQueueCostsOne(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "e2e_idle");
            f.writeTenants(t);
            f.start(WorkerFixture.config(), new RecordingHandler());
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> f.polls() == 0 && f.activePollers() == 0);

            f.sweep(t);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.polls() == 1 && f.activePollers() == 0);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> f.polls() == 1);
            assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "sweep", "protocol", "tcp")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void tcpSweepDeliversJobsWhoseDatagramsWereAllLost(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "e2e_sweep");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config().batchSize(7), handler);
            for (int i = 0; i < 50; i++) {
                t.insert("job-" + i);
            }
            // No insert wakes at all: only the safety net.
            f.sweep(t);
            await().atMost(Duration.ofSeconds(20)).until(() -> handler.succeeded.size() == 50);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.count("SELECT COUNT(*) FROM _queue") == 0);
            assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "insert", "protocol", "udp")).isZero();
            assertThat(handler.calls).hasSize(50);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void rowCommittedSecondsAfterItsWakeIsClaimedPromptly(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "e2e_late");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)), handler);
            try (Connection c = t.schema().worker(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.executeUpdate("INSERT INTO _queue (payload) VALUES ('late')");
                // The trigger would fire here, inside the open transaction.
                f.insertWake(t);
                long wokenAt = System.nanoTime();
                // The scenario is a transaction that stays open 3 s: wait until then, while the poller looks.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> System.nanoTime() - wokenAt >= TimeUnit.SECONDS.toNanos(3) && f.polls() >= 5);
                assertThat(handler.calls).isEmpty();
                c.commit();
                long committedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> !handler.calls.isEmpty());
                double delayMs = (handler.calls.get(0).nanos() - committedAt) / 1e6;
                System.out.printf("[%s] late commit: claimed %.1f ms after commit (%d polls while open)%n",
                        db, delayMs, f.polls() - 1);
                assertThat(delayMs).isLessThan(1000);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void floodOfWakesForOneTenantKeepsPollsBounded(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "e2e_flood");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler();
            Duration minInterval = Duration.ofMillis(5);
            f.start(WorkerFixture.config().minPollInterval(minInterval), handler);
            t.insert("during-flood");
            byte[] wake = WakeCodec.encode(WakeMessage.insert(t.key()));
            long start = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                f.udp(wake);
            }
            long sent = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> f.activePollers() == 0);
            long idle = System.nanoTime();
            long polls = f.polls();
            // At most one poll per minimum interval for as long as the poller was active, plus the commit window's
            // burst (PollPacer) and a poll that found jobs (which may be followed at once by another).
            WorkerConfig config = WorkerFixture.config().build();
            long burst = PollPacer.burstPolls(config.commitPollInterval().toNanos(), config.commitWindow().toNanos());
            long bound = (idle - start) / minInterval.toNanos() + burst + 2;
            double received = f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "insert", "protocol", "udp");
            System.out.printf("[%s] flood: %.0f of 10000 datagrams received in %d ms, %d polls over %d ms "
                    + "(bound %d)%n", db, received, (sent - start) / 1_000_000, polls, (idle - start) / 1_000_000, bound);
            assertThat(polls).isLessThanOrEqualTo(bound).isLessThan(1000);
            assertThat(received).isGreaterThan(1000);
            assertThat(handler.succeeded).containsExactly("during-flood");
        }
    }
}
