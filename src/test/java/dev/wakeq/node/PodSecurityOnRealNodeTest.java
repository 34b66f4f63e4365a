package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both roles run as the chart and the operator say, checked on the running processes (from the host's /proc,
 * through containerd's PIDs), not on the pod specs: uid 1001, a read-only root filesystem, probes passing
 * (Ready, no restart).
 */
@RequiresRealNode
class PodSecurityOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static RealNode node;
    private static KubernetesClient client;
    private static TenantOnNode secure;

    @BeforeAll
    static void install() {
        node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        secure = new TenantOnNode(node, client, "secure");
        secure.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 1
                handler: {type: Log}""".formatted(Images.wakeqImage()));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void theOperatorRunsAsUid1001OnAReadOnlyRootWithProbesPassing() throws IOException {
        Pod operator = await().atMost(WAIT).until(() -> ChartRelease.operatorPod(client),
                p -> p != null && ChartRelease.ready(p));
        checkRunning(operator, "operator");
    }

    @Test
    void aWorkerRunsAsUid1001OnAReadOnlyRootWithProbesPassing() throws IOException {
        Pod worker = await().atMost(WAIT).until(() -> secure.pods("worker").stream().filter(TenantOnNode::ready)
                .findFirst().orElse(null), p -> p != null);
        checkRunning(worker, "worker");
    }

    private static void checkRunning(Pod pod, String role) throws IOException {
        Container spec = pod.getSpec().getContainers().get(0);
        assertThat(spec.getReadinessProbe()).as(role + " readiness probe").isNotNull();
        assertThat(spec.getLivenessProbe()).as(role + " liveness probe").isNotNull();
        ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
        assertThat(status.getReady()).isTrue();
        assertThat(status.getRestartCount()).isZero();

        long pid = node.containerPid(status.getContainerID());
        String procStatus = Files.readString(Path.of("/proc/" + pid + "/status"));
        String uids = procStatus.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertThat(uids.split("\\s+")).as(role + " real, effective, saved, fs uid").containsExactly("Uid:", "1001",
                "1001", "1001", "1001");
        // mountinfo: "id parent major:minor root mountpoint options ...": the container's "/" is mounted ro.
        String root = Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals("/")).findFirst().orElseThrow();
        assertThat(root.split(" ")[5].split(",")).as(role + " root mount options").contains("ro");
        System.out.printf("real-node: %s pod %s: process %d runs as uid 1001, root filesystem read-only, "
                + "probes passing (Ready, 0 restarts)%n", role, pod.getMetadata().getName(), pid);
    }
}
