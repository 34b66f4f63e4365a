package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import dev.wakeq.operator.tenant.TenantsFile;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import dev.wakeq.worker.Job;
import dev.wakeq.worker.JobHandler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A pool with {@code minReplicas: 0}: idle, it runs no worker, only its receiver behind the wake address; an
 * INSERT's wake-up reaches the receiver, which holds it, the operator starts a worker, the receiver hands the
 * wake-up on, and the job is done; idle again, the pool returns to zero. Prints the worker count over time and
 * the insert-to-handled time from zero.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class ScaleToZeroOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Test
    void aWakeUpAtZeroStartsAWorkerAndTheJobIsDoneOnMariaDb() throws Exception {
        fromZeroAndBack(TestDatabases.mariadb(), "127.0.0.37");
    }

    @Test
    void aWakeUpAtZeroStartsAWorkerAndTheJobIsDoneOnMySql8() throws Exception {
        fromZeroAndBack(TestDatabases.mysql8(), "127.0.0.38");
    }

    private void fromZeroAndBack(DbServer db, String serviceAddress) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "zero");
        TestSchema schema = OperatorFixture.queueSchema(db, "zero");
        InetAddress address = InetAddress.getByName(serviceAddress);
        List<Job> handled = new CopyOnWriteArrayList<>();
        List<Long> handledAt = new CopyOnWriteArrayList<>();
        UnaryOperator<JobHandler> recording = inner -> job -> {
            inner.handle(job);
            handled.add(job);
            handledAt.add(System.nanoTime());
        };
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, recording).start()) {
            int port = OperatorFixture.freeWakePort(address);
            f.pool("pool", serviceAddress, port, spec -> {
                spec.setMinReplicas(0);
                spec.setMaxReplicas(2);
                spec.setIdleTimeoutSeconds(2);
                spec.getScaling().setScaleDownStabilizationSeconds(3);
            });
            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.credentials("worker-db", DbServer.WORKER_USER, DbServer.WORKER_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", "worker-db");
            String tenant = f.namespace + "/t1";
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null)
                    && kubelet.running("pool-receiver") == 1 && kubelet.serves(tenant));
            await().atMost(WAIT).until(() -> f.poolCondition("pool", "Available")
                    .map(c -> "ReceiverReady".equals(c.getReason())).orElse(false));
            assertThat(kubelet.running("pool-worker")).as("an idle pool at zero runs no worker").isZero();

            long t0 = System.nanoTime();
            List<String> timeline = new ArrayList<>();
            sampler.scheduleAtFixedRate(() -> {
                synchronized (timeline) {
                    timeline.add(String.format("%.1fs:%d", (System.nanoTime() - t0) / 1e9,
                            kubelet.running("pool-worker")));
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            Thread.sleep(1_000);

            long inserted = System.nanoTime();
            try (Connection c = schema.root();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO `_queue` (payload) VALUES (?)")) {
                ps.setString(1, "from-zero");
                ps.executeUpdate();
            }
            // The sweep is an hour away: only the receiver's hand-over can explain the job being done.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !handled.isEmpty());
            long fromZeroMillis = (handledAt.get(0) - inserted) / 1_000_000;
            assertThat(handled).singleElement().satisfies(j -> assertThat(j.payload()).isEqualTo("from-zero"));
            await().atMost(WAIT).until(() -> OperatorFixture.rows(schema, "_queue") == 0);
            assertThat(f.hasEvent("WorkerPool", "pool", "Normal", "WakeAtZero", "0 -> 1")).isTrue();

            // Idle again: back to zero after the idle timeout (2 s) and the window (3 s).
            await().atMost(WAIT).until(() -> kubelet.running("pool-worker") == 0);
            long backMillis = (System.nanoTime() - handledAt.get(0)) / 1_000_000;
            Thread.sleep(1_000);
            sampler.shutdownNow();
            assertThat(kubelet.droppedWakes("pool-wake")).as("wake-ups that found neither worker nor receiver")
                    .isZero();

            // The sweep, the safety net for lost datagrams, reaches a pool at zero the same way: over TCP to the
            // receiver, which has a worker started. Sent by hand here (the event's interval is an hour).
            String key = TenantsFile.parse(Base64.getDecoder().decode(client.secrets().inNamespace(f.namespace)
                    .withName(dev.wakeq.worker.TenantShards.secretName("pool", dev.wakeq.worker.TenantShards.of(tenant)))
                    .get().getData().get(WorkerDeploymentDependent.TENANTS_KEY))).find(tenant).orElseThrow().key();
            try (Socket sweep = new Socket(address, port); OutputStream out = sweep.getOutputStream()) {
                out.write(WakeCodec.encode(WakeMessage.sweep(key)));
            }
            await().atMost(WAIT).until(() -> kubelet.running("pool-worker") == 1);
            await().atMost(WAIT).until(() -> f.events("WorkerPool", "pool").stream()
                    .filter(e -> "WakeAtZero".equals(e.getReason())).count() == 2);
            synchronized (timeline) {
                System.out.printf("scale to zero on %s: insert at %.1fs, handled %d ms after the insert from zero "
                                + "workers; back to 0 workers %d ms after the job; workers over time %s%n", db.name(),
                        (inserted - t0) / 1e9, fromZeroMillis, backMillis, timeline);
            }
        } finally {
            sampler.shutdownNow();
        }
    }
}
