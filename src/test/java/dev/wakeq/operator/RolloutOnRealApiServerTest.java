package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.worker.JobHandler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A worker release by image swap under a steady insert stream: changing {@code spec.image} of the WorkerPool
 * rolls its workers (FakeKubelet follows the Deployment's maxSurge 1 / maxUnavailable 0 and puts only ready
 * workers behind the wake address), and every job inserted before, during and after the rollout is handled; no
 * wake-up meets a moment without a ready worker. The sweep is an hour away, so only the trigger's wake-ups count.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class RolloutOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** One insert every this many ms while the rollout runs. */
    private static final long INSERT_EVERY_MILLIS = 20;

    @Inject
    KubernetesClient client;

    private record Handled(String payload, int pod, long nanos) {
    }

    @Test
    void anImageSwapLosesNoJobUnderSteadyInsertsOnMariaDb() throws Exception {
        rollsWithoutLoss(TestDatabases.mariadb(), "127.0.0.35");
    }

    @Test
    void anImageSwapLosesNoJobUnderSteadyInsertsOnMySql8() throws Exception {
        rollsWithoutLoss(TestDatabases.mysql8(), "127.0.0.36");
    }

    private void rollsWithoutLoss(DbServer db, String serviceAddress) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "roll");
        TestSchema schema = OperatorFixture.queueSchema(db, "roll");
        InetAddress address = InetAddress.getByName(serviceAddress);
        ConcurrentLinkedQueue<Handled> handled = new ConcurrentLinkedQueue<>();
        AtomicInteger pods = new AtomicInteger();
        // Called once per pod start: each pod's jobs carry its number.
        UnaryOperator<JobHandler> recording = inner -> {
            int pod = pods.incrementAndGet();
            return job -> {
                inner.handle(job);
                handled.add(new Handled(job.payload(), pod, System.nanoTime()));
            };
        };
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, recording).start()) {
            f.pool("pool", serviceAddress, OperatorFixture.freeWakePort(address));
            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.credentials("worker-db", DbServer.WORKER_USER, DbServer.WORKER_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", "worker-db");
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null)
                    && kubelet.serves(f.namespace + "/t1"));
            int startedBefore = kubelet.started();
            long droppedBefore = kubelet.droppedWakes("pool-wake");

            List<String> inserted = new ArrayList<>();
            List<Exception> insertErrors = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread inserter = new Thread(() -> {
                try (Connection c = schema.root();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO `_queue` (payload) VALUES (?)")) {
                    for (int i = 0; !stop.get(); i++) {
                        String payload = "roll-" + i;
                        ps.setString(1, payload);
                        ps.executeUpdate();
                        synchronized (inserted) {
                            inserted.add(payload);
                        }
                        Thread.sleep(INSERT_EVERY_MILLIS);
                    }
                } catch (Exception e) {
                    synchronized (insertErrors) {
                        insertErrors.add(e);
                    }
                }
            }, "steady-inserts");
            inserter.start();
            long rolloutStart;
            long rolloutEnd;
            try {
                Thread.sleep(1_000);
                rolloutStart = System.nanoTime();
                client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool").edit(p -> {
                    p.getSpec().setImage("ghcr.io/wakeq/wakeq-operator:next");
                    return p;
                });
                // Rolled: a new pod started, the old one gone, and jobs handled by the new one.
                await().atMost(WAIT).until(() -> kubelet.started() > startedBefore
                        && kubelet.running("pool-worker") == 1 && handled.stream().anyMatch(h -> h.pod() > startedBefore));
                rolloutEnd = System.nanoTime();
                Thread.sleep(1_000);
            } finally {
                stop.set(true);
                inserter.join();
            }
            assertThat(insertErrors).isEmpty();

            await().atMost(WAIT).until(() -> OperatorFixture.rows(schema, "_queue") == 0);
            Set<String> done = ConcurrentHashMap.newKeySet();
            handled.forEach(h -> done.add(h.payload()));
            assertThat(done).as("every inserted job was handled").containsAll(inserted);
            assertThat(OperatorFixture.rows(schema, "_queue_dead")).isZero();
            long dropped = kubelet.droppedWakes("pool-wake") - droppedBefore;
            assertThat(dropped).as("wake-ups that found no ready worker during the rollout").isZero();

            Map<Integer, Long> perPod = new java.util.TreeMap<>();
            handled.forEach(h -> perPod.merge(h.pod(), 1L, Long::sum));
            assertThat(perPod).as("jobs per pod").hasSizeGreaterThanOrEqualTo(2);
            long longestGap = 0;
            long previous = -1;
            for (long t : handled.stream().mapToLong(Handled::nanos).sorted().toArray()) {
                if (previous >= 0 && t >= rolloutStart - 1_000_000_000L && previous <= rolloutEnd) {
                    longestGap = Math.max(longestGap, t - previous);
                }
                previous = t;
            }
            System.out.printf("rollout on %s: %d jobs inserted every %d ms, all handled (%d handlings, jobs per pod "
                            + "%s); rollout took %d ms; longest gap between handled jobs around it %d ms; %d "
                            + "wake-ups found no ready worker%n", db.name(), inserted.size(), INSERT_EVERY_MILLIS,
                    handled.size(), perPod, (rolloutEnd - rolloutStart) / 1_000_000, longestGap / 1_000_000, dropped);
        }
    }
}
