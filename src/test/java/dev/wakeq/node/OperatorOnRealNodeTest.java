package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's operator on a real node: {@code helm install} with default values, then the operator pod must
 * become Ready, lead, keep renewing its Lease and never restart. Renewal is a PATCH: before the chart's Role
 * granted {@code patch} on leases the operator lost the lead at its first renewal, exited and restarted forever.
 */
@RequiresRealNode
class OperatorOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
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
    void theOperatorPodLeadsRenewsItsLeaseAndNeverRestarts() {
        Pod pod = await().atMost(WAIT).until(OperatorOnRealNodeTest::operatorPod, p -> p != null && ChartRelease.ready(p));
        Lease lease = await().atMost(WAIT).until(OperatorOnRealNodeTest::lease,
                l -> l != null && pod.getMetadata().getName().equals(l.getSpec().getHolderIdentity()));
        ZonedDateTime acquired = lease.getSpec().getRenewTime();
        // Two renewals after the one seen: each is a PATCH the Role must allow. A restart fails at once.
        ZonedDateTime[] renewed = {acquired};
        int[] renewals = {0};
        await().atMost(WAIT).failFast("the operator container restarted", () -> ChartRelease.restarts(operatorPod()) > 0)
                .until(() -> {
                    ZonedDateTime now = lease().getSpec().getRenewTime();
                    if (now.isAfter(renewed[0])) {
                        renewed[0] = now;
                        renewals[0]++;
                    }
                    return renewals[0] >= 2;
                });
        Pod after = operatorPod();
        assertThat(after.getMetadata().getName()).isEqualTo(pod.getMetadata().getName());
        assertThat(ChartRelease.restarts(after)).as("operator restarts").isZero();
        assertThat(ChartRelease.ready(after)).isTrue();
        System.out.printf("real-node: operator pod %s Ready, Lease renewed %d times, 0 restarts%n",
                after.getMetadata().getName(), renewals[0]);
    }

    private static Pod operatorPod() {
        return ChartRelease.operatorPod(client);
    }

    private static Lease lease() {
        return ChartRelease.lease(client);
    }
}
