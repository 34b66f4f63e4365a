package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolStatus;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.worker.Job;
import dev.wakeq.worker.JobHandler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The whole path with no cluster: a WorkerPool and a QueueTenant applied to the real API server, the operator
 * installing into a real database, {@link FakeKubelet} running the pool's Deployment as an in-process worker
 * configured from the pool's tenants Secret, and a row INSERTed into the tenant's queue handled and deleted;
 * then the tenant deleted and gone from the running worker.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class EndToEndOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Test
    void anInsertIsHandledAndDeletedOnMariaDb() throws Exception {
        insertReachesTheWorker(TestDatabases.mariadb(), "127.0.0.31");
    }

    @Test
    void anInsertIsHandledAndDeletedOnMySql8() throws Exception {
        insertReachesTheWorker(TestDatabases.mysql8(), "127.0.0.32");
    }

    private void insertReachesTheWorker(DbServer db, String podAddress) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "e2e");
        TestSchema schema = OperatorFixture.queueSchema(db, "e2e");
        InetAddress address = InetAddress.getByName(podAddress);
        List<Job> handled = new CopyOnWriteArrayList<>();
        UnaryOperator<JobHandler> recording = inner -> job -> {
            inner.handle(job);
            handled.add(job);
        };
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, recording).start()) {
            int port = OperatorFixture.freeWakePort(address);
            f.pool("pool", podAddress, port);
            // The worker runs before any tenant exists: the tenant then reaches it through its shard Secret's watch.
            await().atMost(WAIT).until(() -> f.poolCondition("pool", "Ready")
                    .map(c -> "True".equals(c.getStatus())).orElse(false));
            assertThat(kubelet.workerPort("pool-worker")).isEqualTo(port);

            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.credentials("worker-db", DbServer.WORKER_USER, DbServer.WORKER_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", "worker-db");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> f.conditionIs("t1", "Ready", "True", null));
            String tenant = f.namespace + "/t1";
            // Ready means the running worker knows the tenant already (issue 15): no waiting here.
            assertThat(kubelet.serves(tenant)).as("every worker has applied the tenant's shard at Ready").isTrue();
            assertThat(f.condition("t1", "KnownToWorkers")).hasValueSatisfying(c ->
                    assertThat(c.getStatus()).isEqualTo("True"));

            Instant before = Instant.now();
            String payload = "e2e-" + db.name();
            long inserted = System.nanoTime();
            try (Connection c = schema.root();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO `_queue` (payload) VALUES (?)")) {
                ps.setString(1, payload);
                ps.executeUpdate();
            }
            // Well under the sweep (60 minutes in OperatorFixture): only the trigger's wake-up can explain it.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> OperatorFixture.rows(schema, "_queue") == 0);
            long millis = Duration.ofNanos(System.nanoTime() - inserted).toMillis();
            assertThat(handled).singleElement().satisfies(job -> {
                assertThat(job.payload()).isEqualTo(payload);
                assertThat(job.tenant()).isEqualTo(tenant);
                assertThat(job.attempts()).isEqualTo(1);
            });
            assertThat(OperatorFixture.rows(schema, "_queue_dead")).isZero();
            System.out.printf("end-to-end on %s: insert to handled and deleted within %d ms%n", db.name(), millis);

            // The worker's report reaches both statuses: the pool counts its tenant and decides its size, the
            // tenant shows when a worker last saw its wake-up.
            await().atMost(WAIT).untilAsserted(() -> {
                WorkerPoolStatus pool = client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool")
                        .get().getStatus();
                assertThat(pool.getTenants()).isEqualTo(1);
                assertThat(pool.getTargetReplicas()).isEqualTo(1);
                assertThat(pool.getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Scaling");
                    assertThat(c.getMessage()).contains("on 1 reporting worker(s)");
                });
            });
            await().atMost(WAIT).untilAsserted(() -> {
                String seen = f.get("t1").getStatus().getLastWakeSeen();
                assertThat(seen).isNotNull();
                assertThat(Instant.parse(seen)).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
            });

            // Deleting the tenant deregisters it: the Secret changes and the running worker drops it.
            client.resources(QueueTenant.class).inNamespace(f.namespace).withName("t1").delete();
            await().atMost(WAIT).until(() -> f.get("t1") == null && !kubelet.serves(tenant));
            await().atMost(WAIT).until(() -> Integer.valueOf(0).equals(client.resources(WorkerPool.class)
                    .inNamespace(f.namespace).withName("pool").get().getStatus().getTenants()));
            assertThat(OperatorFixture.triggerBody(schema, "wakeq_wake___queue")).isEmpty();
        }
    }
}
