package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator pod deleted on a real node: the Deployment starts a successor, which takes the Lease over and
 * reconciles a tenant created while no operator ran. Prints the takeover time.
 */
@RequiresRealNode
class OperatorTakeoverOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static RealNode node;
    private static KubernetesClient client;

    @BeforeAll
    static void install() {
        node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aSuccessorTakesTheLeaseOverAndReconcilesATenantCreatedMeanwhile() {
        Pod first = await().atMost(WAIT).until(() -> ChartRelease.operatorPod(client),
                p -> p != null && ChartRelease.ready(p) && p.getMetadata().getName()
                        .equals(holder()));
        String firstName = first.getMetadata().getName();

        long deleted = System.nanoTime();
        node.kubectl("delete", "pod", "-n", ChartRelease.NAMESPACE, firstName, "--wait=false");
        TenantOnNode late = new TenantOnNode(node, client, "late");
        late.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 1
                handler: {type: Log}""".formatted(Images.wakeqImage()));

        String successor = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(OperatorTakeoverOnRealNodeTest::holder, h -> h != null && !h.equals(firstName));
        long takenOver = System.nanoTime();
        late.awaitOrExplain("tenant created meanwhile Ready", WAIT, () -> "True".equals(late.readyStatus()));
        long tenantReady = System.nanoTime();
        Pod next = client.pods().inNamespace(ChartRelease.NAMESPACE).withName(successor).get();
        assertThat(next).as("the Lease's holder is a pod of the release").isNotNull();
        assertThat(ChartRelease.restarts(next)).isZero();
        System.out.printf("real-node: operator pod deleted -> successor %s holds the Lease %d ms; "
                        + "-> tenant created meanwhile Ready %d ms%n", successor,
                InsertHandledOnRealNodeTest.ms(takenOver - deleted), InsertHandledOnRealNodeTest.ms(tenantReady - deleted));
    }

    private static String holder() {
        var lease = ChartRelease.lease(client);
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}
