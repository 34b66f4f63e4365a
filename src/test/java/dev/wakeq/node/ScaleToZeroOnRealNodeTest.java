package dev.wakeq.node;


import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.PodStartTimeline;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pool with {@code minReplicas: 0} on a real node: only its receiver pod runs; an INSERT's wake-up is held by
 * the receiver, a real worker pod is scheduled, started and handles the job, and the pool goes back to zero.
 * Prints insert-to-handled with the real pod start in it.
 */
@RequiresRealNode
class ScaleToZeroOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static KubernetesClient client;
    private static TenantOnNode idle;

    @BeforeAll
    static void install() {
        RealNode node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        // A schema of its own per run: a node brought up by hand keeps the database between runs.
        idle = new TenantOnNode(node, client, "idle" + Integer.toHexString((int) (System.nanoTime() & 0xfff)));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void anInsertAtZeroStartsARealWorkerPodThatHandlesIt() throws Exception {
        idle.apply("""
                image: %s
                minReplicas: 0
                maxReplicas: 1
                idleTimeoutSeconds: 2
                scaling: {scaleDownStabilizationSeconds: 5}
                handler: {type: Log}""".formatted(Images.wakeqImage()));
        idle.awaitOrExplain("QueueTenant Ready", WAIT, () -> "True".equals(idle.readyStatus()));
        // The receiver drops wake-ups for tenants it does not know: wait until its mounted Secret names this one.
        idle.awaitPodKnowingTheTenant("receiver", WAIT);
        idle.awaitOrExplain("pool at zero (worker Deployment at 0 replicas, no worker pod)", WAIT, this::atZero);

        String payload = "wake-" + UUID.randomUUID();
        try (Connection c = idle.connection()) {
            long insertedAt = System.currentTimeMillis();
            long inserted = System.nanoTime();
            PodStartTimeline timeline = PodStartTimeline.watch(idle, insertedAt);
            long id = TenantOnNode.insert(c, payload);
            long handled;
            try (timeline) {
                handled = TenantOnNode.awaitHandled(c, id, WAIT);
            }
            timeline.record("job handled (row deleted)", () -> InsertHandledOnRealNodeTest.ms(handled - inserted));
            System.out.printf("real-node: pool at zero: INSERT -> handled by a new worker pod %d ms "
                    + "(pod scheduled, started, ready)%n", InsertHandledOnRealNodeTest.ms(handled - inserted));
            Pod worker = idle.pods("worker").stream().filter(TenantOnNode::ready).findFirst().orElseThrow();
            idle.awaitOrExplain("job in the worker's log", Duration.ofSeconds(30),
                    () -> idle.log(worker).contains("#" + id + " attempt 1: " + payload));
            timeline.readLog(idle.log(worker));
            System.out.print("real-node: pool at zero: where the time went (ms after the INSERT, and the step):\n"
                    + timeline.breakdown());
            idle.awaitOrExplain("pool back at zero", WAIT, this::atZero);
            System.out.printf("real-node: pool at zero: handled -> back at zero (worker pod gone) %d ms%n",
                    InsertHandledOnRealNodeTest.ms(System.nanoTime() - handled));
        }
    }

    private boolean atZero() {
        var deployment = idle.deployment("worker");
        return deployment != null && deployment.getSpec().getReplicas() == 0 && idle.pods("worker").isEmpty();
    }
}
