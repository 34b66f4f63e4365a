package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolStatus;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.worker.JobHandler;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The operator's autoscaler on the real API server, fed by a real worker's reports: jobs that keep every handler
 * thread of the one worker busy raise the pool's target and the Deployment's replicas at once; once they are done
 * the pool returns to its minimum after the stabilisation window. FakeKubelet really runs the second worker.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class AutoscalingOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The worker's default handler threads: this many held jobs keep it fully busy. */
    private static final int HANDLER_THREADS = 16;

    @Inject
    KubernetesClient client;

    @Test
    void busyWorkersScaleThePoolUpAndIdleOnesBackDownOnMariaDb() throws Exception {
        scalesUpAndDown(TestDatabases.mariadb(), "127.0.0.33");
    }

    @Test
    void busyWorkersScaleThePoolUpAndIdleOnesBackDownOnMySql8() throws Exception {
        scalesUpAndDown(TestDatabases.mysql8(), "127.0.0.34");
    }

    private void scalesUpAndDown(DbServer db, String podAddress) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "scale");
        TestSchema schema = OperatorFixture.queueSchema(db, "scale");
        InetAddress address = InetAddress.getByName(podAddress);
        CountDownLatch release = new CountDownLatch(1);
        UnaryOperator<JobHandler> holding = inner -> job -> {
            if (job.payload().startsWith("hold") && !release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            inner.handle(job);
        };
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, holding).start()) {
            f.pool("pool", podAddress, OperatorFixture.freeWakePort(address), spec -> {
                spec.setMinReplicas(1);
                spec.setMaxReplicas(3);
                spec.getScaling().setScaleDownStabilizationSeconds(5);
            });
            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.credentials("worker-db", DbServer.WORKER_USER, DbServer.WORKER_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", "worker-db");
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null)
                    && kubelet.serves(f.namespace + "/t1"));
            await().atMost(WAIT).until(() -> target(f) != null && target(f) == 1);

            long start = System.nanoTime();
            try (Connection c = schema.root(); Statement s = c.createStatement()) {
                StringBuilder sql = new StringBuilder("INSERT INTO `_queue` (payload) VALUES ");
                for (int i = 0; i < HANDLER_THREADS; i++) {
                    sql.append(i == 0 ? "" : ",").append("('hold-").append(i).append("')");
                }
                s.executeUpdate(sql.toString());
            }
            // Up to 16 of 16 threads busy on one worker: 16 / (16 x 0.6) rounds up to 2 workers.
            await().atMost(WAIT).until(() -> target(f) != null && target(f) == 2 && deploymentReplicas(f) == 2);
            long upMillis = (System.nanoTime() - start) / 1_000_000;
            await().atMost(WAIT).until(() -> kubelet.running("pool-worker") == 2);
            // The worker claims in batches, so a report may catch fewer than 16 busy: 10 already make 2 workers.
            assertThat(f.poolCondition("pool", "Scaling")).hasValueSatisfying(c -> {
                assertThat(c.getReason()).isIn("ScaleUp", "Steady");
                assertThat(c.getMessage()).containsPattern("[0-9.]+ of (16|32) handler threads busy on [12] reporting worker");
            });
            await().atMost(WAIT).until(() -> f.hasEvent("WorkerPool", "pool", "Normal", "ScaleUp", "1 -> 2"));

            release.countDown();
            long released = System.nanoTime();
            await().atMost(WAIT).until(() -> OperatorFixture.rows(schema, "_queue") == 0);
            await().atMost(WAIT).until(() -> target(f) == 1 && deploymentReplicas(f) == 1
                    && kubelet.running("pool-worker") == 1);
            long downMillis = (System.nanoTime() - released) / 1_000_000;
            assertThat(downMillis).as("not before the 5 s window").isGreaterThanOrEqualTo(5_000);
            await().atMost(WAIT).until(() -> f.hasEvent("WorkerPool", "pool", "Normal", "Idle", "2 -> 1"));
            System.out.printf("autoscaling on %s: up to 2 workers %d ms after the insert, back to 1 %d ms after "
                    + "the jobs were released (window 5 s, reports every 2 s)%n", db.name(), upMillis, downMillis);
        } finally {
            release.countDown();
        }
    }

    private Integer target(OperatorFixture f) {
        WorkerPoolStatus status = client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool").get()
                .getStatus();
        return status == null ? null : status.getTargetReplicas();
    }

    private int deploymentReplicas(OperatorFixture f) {
        Deployment d = client.apps().deployments().inNamespace(f.namespace).withName("pool-worker").get();
        return d == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
    }
}
