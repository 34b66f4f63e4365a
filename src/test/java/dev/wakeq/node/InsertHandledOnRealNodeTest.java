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
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user's path on a real node after {@code helm install}: {@code kubectl apply} of Secrets, a WorkerPool and
 * a QueueTenant against the test bed's database, the printer columns, and an INSERT handled by a real worker
 * pod (seen in its log). Prints how long each step took.
 */
@RequiresRealNode
class InsertHandledOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static KubernetesClient client;
    private static TenantOnNode shop;

    @BeforeAll
    static void install() {
        RealNode node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        shop = new TenantOnNode(node, client, "shop");
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void kubectlApplyThenAnInsertIsHandledByAWorkerPod() throws Exception {
        long applied = System.nanoTime();
        shop.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 2
                idleTimeoutSeconds: 10
                handler: {type: Log}""".formatted(Images.wakeqImage()));
        await().atMost(WAIT).until(() -> "True".equals(shop.readyStatus()));
        long tenantReady = System.nanoTime();

        String table = RealNode.shared().kubectl("get", "queuetenants,workerpools", "-n", shop.namespace);
        System.out.println("real-node: kubectl get queuetenants,workerpools\n" + table);
        assertThat(table).contains("DATABASE", "POOL", "REASON", "READY", "FUNCTION", "shop", "v1",
                "AVAILABLE", "REPLICAS", "TENANTS");

        // The worker learns of the tenant from its mounted tenants Secret, which the kubelet syncs in its own time.
        Pod worker = shop.awaitPodKnowingTheTenant("worker", WAIT);
        long workerKnows = System.nanoTime();

        String payload = "order-" + UUID.randomUUID();
        try (Connection c = shop.connection()) {
            long inserted = System.nanoTime();
            long id = TenantOnNode.insert(c, payload);
            long handled = TenantOnNode.awaitHandled(c, id, WAIT);
            await().atMost(Duration.ofSeconds(30)).until(() -> shop.log(worker).contains("#" + id + " attempt 1: " + payload));
            System.out.printf("real-node: apply -> QueueTenant Ready %d ms; Ready -> worker loaded the tenant %d ms; "
                            + "INSERT -> handled by pod %s %d ms%n", ms(tenantReady - applied),
                    ms(workerKnows - tenantReady), worker.getMetadata().getName(), ms(handled - inserted));
        }
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
