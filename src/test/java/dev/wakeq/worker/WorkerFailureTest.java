package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failing handlers, dead workers, bad credentials: every job is still accounted for. */
class WorkerFailureTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void failingJobIsRetriedWithBackoffThenDeadLettered(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "fail_dead");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler(job -> {
                if (job.payload().equals("poison") || job.attempts() < 2) {
                    throw new IllegalStateException("handler says no to " + job.payload());
                }
            });
            // Idle timeout shorter than the backoff: the poller goes idle between attempts, so each retry shows
            // the poller waking itself when the retry comes due.
            f.start(WorkerFixture.config().maxAttempts(3).retryBackoff(Duration.ofMillis(600))
                    .idleTimeout(Duration.ofMillis(200)), handler);
            t.insert("poison");
            t.insert("flaky");
            f.insertWake(t);
            await().atMost(Duration.ofSeconds(20)).until(() -> t.count("SELECT COUNT(*) FROM _queue") == 0);

            List<RecordingHandler.Call> poison = handler.callsFor("poison");
            assertThat(poison).extracting(c -> c.job().attempts()).containsExactly(1, 2, 3);
            assertThat(gapMillis(poison, 0)).isGreaterThanOrEqualTo(600);
            assertThat(gapMillis(poison, 1)).isGreaterThanOrEqualTo(1200);
            assertThat(handler.callsFor("flaky")).extracting(c -> c.job().attempts()).containsExactly(1, 2);
            assertThat(t.count("SELECT COUNT(*) FROM _queue_dead WHERE payload = 'poison' AND attempts = 3 "
                    + "AND last_error LIKE '%handler says no to poison%'")).isEqualTo(1);
            assertThat(f.count(WorkerMetrics.JOBS_FAILED)).isEqualTo(4);
            assertThat(f.count(WorkerMetrics.JOBS_DEAD_LETTERED)).isEqualTo(1);
            assertThat(f.count(WorkerMetrics.JOBS_DONE)).isEqualTo(1);
            System.out.printf("[%s] retry gaps: %d ms, %d ms%n", db, gapMillis(poison, 0), gapMillis(poison, 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void jobOfAHungWorkerIsRedeliveredAfterItsLeaseAndTheOldWorkerCannotDeleteIt(DbServer db) throws Exception {
        try (WorkerFixture first = new WorkerFixture(); WorkerFixture second = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "fail_lease");
            first.writeTenants(t);
            second.writeTenants(t);
            CountDownLatch unblock = new CountDownLatch(1);
            RecordingHandler hung = new RecordingHandler(job -> unblock.await());
            Duration lease = Duration.ofSeconds(2);
            first.start(WorkerFixture.config().lease(lease).workerId("first"), hung);
            t.insert("x");
            first.insertWake(t);
            await().atMost(Duration.ofSeconds(10)).until(() -> hung.calls.size() == 1);
            long firstClaim = hung.calls.get(0).nanos();

            RecordingHandler healthy = new RecordingHandler();
            second.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)).workerId("second"), healthy);
            second.insertWake(t);
            await().atMost(Duration.ofSeconds(10)).until(() -> healthy.succeeded.contains("x"));
            long redelivered = healthy.calls.get(0).nanos();
            assertThat(healthy.calls.get(0).job().attempts()).isEqualTo(2);
            assertThat(TimeUnit.NANOSECONDS.toMillis(redelivered - firstClaim)).isGreaterThanOrEqualTo(1900);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.count("SELECT COUNT(*) FROM _queue") == 0);

            // The hung handler finally returns: its lease was taken over, so its outcome is not recorded.
            unblock.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> first.count(WorkerMetrics.JOBS_LEASE_LOST) == 1);
            assertThat(first.count(WorkerMetrics.JOBS_DONE)).isZero();
            assertThat(second.count(WorkerMetrics.JOBS_DONE)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void wrongCredentialsAreCountedAndLoggedWithoutThePasswordAndOthersCarryOn(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture(); LogCapture logs = new LogCapture()) {
            WorkerFixture.Tenant good = WorkerFixture.tenant(db, "cred_good");
            String wrongPassword = "Wr0ng-Secret-" + System.nanoTime();
            WorkerFixture.Tenant bad = WorkerFixture.tenant(db, "cred_bad").withPassword(wrongPassword);
            f.writeTenants(good, bad);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config(), handler);
            bad.insert("stuck");
            good.insert("fine");
            f.insertWake(bad);
            f.insertWake(good);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.succeeded.contains("fine"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.count(WorkerMetrics.DB_ERRORS, "operation", "connect") >= 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.activePollers() == 0);
            assertThat(handler.succeeded).containsExactly("fine");
            assertThat(logs.contains("tenant " + bad.name() + ": connect failed")).isTrue();
            assertThat(logs.lines).noneMatch(l -> l.contains(wrongPassword) || l.contains(DbServer.WORKER_PASSWORD));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void closeFinishesRunningJobsAndLeavesNoClaimsBehind(DbServer db) throws Exception {
        WorkerFixture f = new WorkerFixture();
        WorkerFixture.Tenant t = WorkerFixture.tenant(db, "shutdown");
        f.writeTenants(t);
        CountDownLatch started = new CountDownLatch(1);
        RecordingHandler slow = new RecordingHandler(job -> {
            started.countDown();
            Thread.sleep(1000); // The job's own work, not a test wait.
        });
        f.start(WorkerFixture.config().handlerThreads(1), slow);
        for (int i = 0; i < 5; i++) {
            t.insert("job-" + i);
        }
        f.insertWake(t);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        f.close();
        assertThat(slow.succeeded).hasSize(1);
        assertThat(t.count("SELECT COUNT(*) FROM _queue")).isEqualTo(4);
        assertThat(t.count("SELECT COUNT(*) FROM _queue WHERE claimed_by IS NOT NULL OR attempts <> 0")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void databaseRestartUnderLoadLosesNoJob(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "restart");
            f.writeTenants(t);
            RecordingHandler handler = new RecordingHandler();
            // A short lease: a job finished but not deleted because the restart cut the connection stays claimed
            // until its lease runs out, then runs again (at least once). The test waits for that, not for 60 s.
            f.start(WorkerFixture.config().idleTimeout(Duration.ofSeconds(10)).lease(Duration.ofSeconds(3)), handler);
            Inserter inserter = new Inserter(f, t, 300);
            Thread thread = new Thread(inserter, "test-inserter");
            thread.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> inserter.inserted.size() >= 100);
            long before = System.nanoTime();
            db.restart();
            System.out.printf("[%s] restart took %d ms with %d jobs inserted%n", db,
                    (System.nanoTime() - before) / 1_000_000, inserter.inserted.size());
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(inserter.inserted).hasSize(300);
            // Whatever lost its wake-up to the restart is the sweep's to find, as in production.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                f.sweep(t);
                return handler.succeeded.containsAll(inserter.inserted);
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                f.sweep(t);
                return t.count("SELECT COUNT(*) FROM _queue") == 0;
            });
            assertThat(f.count(WorkerMetrics.DB_ERRORS, "operation", "connect")
                    + f.count(WorkerMetrics.DB_ERRORS, "operation", "claim")
                    + f.count(WorkerMetrics.DB_ERRORS, "operation", "settle")).isPositive();
        }
    }

    /** Inserts jobs one by one with a wake-up each, retrying through a database outage. */
    private static final class Inserter implements Runnable {
        final List<String> inserted = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final WorkerFixture f;
        private final WorkerFixture.Tenant t;
        private final int total;

        Inserter(WorkerFixture f, WorkerFixture.Tenant t, int total) {
            this.f = f;
            this.t = t;
            this.total = total;
        }

        @Override
        public void run() {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inserted.size() < total && System.nanoTime() < giveUp) {
                String payload = "job-" + inserted.size();
                try {
                    // An insert whose acknowledgement was lost in the outage may have committed and be inserted
                    // again: a duplicate row, which at-least-once delivery allows. Nothing may go missing.
                    t.insert(payload);
                    inserted.add(payload);
                    f.insertWake(t);
                } catch (java.sql.SQLException | IOException e) {
                    // The application's own retry pace while its database is down.
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }

    private static long gapMillis(List<RecordingHandler.Call> calls, int i) {
        return TimeUnit.NANOSECONDS.toMillis(calls.get(i + 1).nanos() - calls.get(i).nanos());
    }
}
