package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.HoldingEndpoint;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Autoscaling from real load on a real node: a pool whose Http handler posts to an endpoint that holds every
 * request keeps 10 of the one worker's 16 handler threads busy; the operator reads that from the pod's
 * {@code /report} and a second real pod is scheduled, started and becomes Ready. Once the endpoint answers, the jobs are done, the
 * pool goes back to one pod after its stabilisation window. Prints both times.
 */
@RequiresRealNode
class AutoscaleOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    /**
     * One claim's worth (the worker's default batch size) of the default 16 handler threads, aimed at 60 %: 10 /
     * 9.6 makes 2 workers. Not more: a worker claims again only while woken or within its idle timeout, so rows
     * beyond its first batch would wait for the sweep when that batch is held longer (noted in docs/testbed-kube.md).
     */
    private static final int HELD_JOBS = 10;
    private static final int STABILIZATION_SECONDS = 5;
    private static KubernetesClient client;
    private static TenantOnNode busy;
    private static HoldingEndpoint endpoint;

    @BeforeAll
    static void install() {
        RealNode node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        // A schema of its own per run: a node brought up by hand keeps the database between runs.
        busy = new TenantOnNode(node, client, "busy" + Integer.toHexString((int) (System.nanoTime() & 0xfff)));
        endpoint = HoldingEndpoint.start(node, 18090);
    }

    @AfterAll
    static void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void heldJobsTakeThePoolToTwoRealPodsAndIdleBringsItBackToOne() throws Exception {
        busy.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 3
                scaling: {scaleDownStabilizationSeconds: %d}
                handler: {type: Http, url: "%s", timeoutSeconds: 300}""".formatted(Images.wakeqImage(),
                STABILIZATION_SECONDS, endpoint.url()));
        busy.awaitOrExplain("QueueTenant Ready", WAIT, () -> "True".equals(busy.readyStatus()));
        busy.awaitPodKnowingTheTenant("worker", WAIT);
        busy.awaitOrExplain("one ready worker pod", WAIT, () -> readyWorkers() == 1 && replicas() == 1);

        int deadBefore = rows("_queue_dead");
        long inserted = System.nanoTime();
        try (Connection c = busy.connection(); Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder("INSERT INTO _queue (payload) VALUES ");
            for (int i = 0; i < HELD_JOBS; i++) {
                sql.append(i == 0 ? "" : ",").append("('hold-").append(i).append("')");
            }
            s.executeUpdate(sql.toString());
        }
        busy.awaitOrExplain("Deployment scaled to 2", WAIT, () -> replicas() == 2);
        long scaled = System.nanoTime();
        busy.awaitOrExplain("a second worker pod Ready", WAIT, () -> readyWorkers() == 2);
        long secondReady = System.nanoTime();
        assertThat(rows("_queue")).as("the jobs are still held").isEqualTo(HELD_JOBS);
        busy.pods("worker").forEach(p -> assertThat(busy.log(p)).as("no attempt failed while held")
                .doesNotContain(" failed, retry"));

        endpoint.release();
        long released = System.nanoTime();
        busy.awaitOrExplain("every held job done", WAIT, () -> rows("_queue") == 0);
        long done = System.nanoTime();
        assertThat(rows("_queue_dead") - deadBefore).as("dead-lettered jobs: each was held, not failed").isZero();
        busy.awaitOrExplain("back to one worker pod", WAIT, () -> replicas() == 1 && busy.pods("worker").size() == 1);
        long backToOne = System.nanoTime();
        assertThat(ms(backToOne - released)).as("not before the stabilisation window")
                .isGreaterThanOrEqualTo(STABILIZATION_SECONDS * 1000L);
        System.out.printf("real-node: autoscaling: %d held jobs -> Deployment at 2 %d ms, -> 2nd pod Ready %d ms; "
                        + "released -> jobs done %d ms, -> back to 1 pod %d ms (window %d s)%n", HELD_JOBS,
                ms(scaled - inserted), ms(secondReady - inserted), ms(done - released), ms(backToOne - released),
                STABILIZATION_SECONDS);
    }

    private long readyWorkers() {
        return busy.pods("worker").stream().filter(TenantOnNode::ready)
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
    }

    private int replicas() {
        var d = busy.deployment("worker");
        return d == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
    }

    private int rows(String table) throws Exception {
        try (Connection c = busy.connection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
