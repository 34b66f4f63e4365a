package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows left behind by a full batch are claimed once a handler slot frees, even when the batch's jobs outlast the
 * poller's idle tail: before, they waited for the tenant's next sweep (found on the real node with jobs held longer
 * than the 10 s idle timeout).
 */
class FullBatchFollowUpTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void rowsBehindAFullBatchRunAfterItEvenPastTheIdleTimeout(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture()) {
            WorkerFixture.Tenant t = WorkerFixture.tenant(db, "full_batch");
            f.writeTenants(t);
            CountDownLatch release = new CountDownLatch(1);
            Set<String> done = ConcurrentHashMap.newKeySet();
            f.start(WorkerFixture.config().batchSize(2).handlerThreads(2).idleTimeout(Duration.ofMillis(300)),
                    job -> {
                        if (job.payload().startsWith("slow")) {
                            release.await(30, TimeUnit.SECONDS);
                        }
                        done.add(job.payload());
                    });
            for (String p : new String[] {"slow-1", "slow-2", "later-1", "later-2"}) {
                t.insert(p);
            }
            f.insertWake(t);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.count(WorkerMetrics.JOBS_CLAIMED) == 2);
            // Well past the idle timeout, with both handler slots busy.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 4);
            assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "sweep", "protocol", "tcp")).isZero();
        }
    }
}
