package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private static final String NS = "shop-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String SCHEMA = "shop";
    private static RealNode node;
    private static KubernetesClient client;

    @BeforeAll
    static void install() throws Exception {
        node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        try (Connection c = node.rootConnection(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA);
        }
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void kubectlApplyThenAnInsertIsHandledByAWorkerPod() throws Exception {
        Path manifests = Files.createTempFile("wakeq-shop", ".yaml");
        Files.writeString(manifests, manifests());
        long applied = System.nanoTime();
        node.kubectl("apply", "-f", manifests.toString());
        await().atMost(WAIT).until(() -> "True".equals(readyStatus()));
        long tenantReady = System.nanoTime();

        String table = node.kubectl("get", "queuetenants,workerpools", "-n", NS);
        System.out.println("real-node: kubectl get queuetenants,workerpools\n" + table);
        assertThat(table).contains("DATABASE", "POOL", "REASON", "READY", "FUNCTION", SCHEMA, "v1",
                "AVAILABLE", "REPLICAS", "TENANTS");

        // The worker learns of the tenant from its mounted tenants Secret, which the kubelet syncs in its own time.
        Pod worker = await().atMost(WAIT).until(() -> workerPods().stream().filter(InsertHandledOnRealNodeTest::ready)
                .findFirst().orElse(null), p -> p != null && log(p).contains("loaded: 1 tenant(s)"));
        long workerKnows = System.nanoTime();

        String payload = "order-" + UUID.randomUUID();
        long id;
        long inserted = System.nanoTime();
        try (Connection c = node.rootConnection(SCHEMA);
             PreparedStatement ps = c.prepareStatement("INSERT INTO _queue (payload) VALUES (?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, payload);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        long handled;
        try (Connection c = node.rootConnection(SCHEMA)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !rowExists(c, id));
            handled = System.nanoTime();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> log(worker).contains("#" + id + " attempt 1: " + payload));
        System.out.printf("real-node: apply -> QueueTenant Ready %d ms; Ready -> worker loaded the tenant %d ms; "
                        + "INSERT -> handled by pod %s %d ms%n", ms(tenantReady - applied), ms(workerKnows - tenantReady),
                worker.getMetadata().getName(), ms(handled - inserted));
    }

    private static String manifests() {
        return """
                apiVersion: v1
                kind: Namespace
                metadata: {name: %1$s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: operator-db, namespace: %1$s}
                stringData: {username: %2$s, password: %3$s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: worker-db, namespace: %1$s}
                stringData: {username: %4$s, password: %5$s}
                ---
                apiVersion: wakeq.dev/v1alpha1
                kind: WorkerPool
                metadata: {name: shop, namespace: %1$s}
                spec:
                  image: %6$s
                  minReplicas: 1
                  maxReplicas: 2
                  idleTimeoutSeconds: 10
                  handler: {type: Log}
                ---
                apiVersion: wakeq.dev/v1alpha1
                kind: QueueTenant
                metadata: {name: shop, namespace: %1$s}
                spec:
                  database:
                    host: %7$s
                    port: %8$d
                    schema: %9$s
                    credentials: {secretName: operator-db}
                    workerCredentials: {secretName: worker-db}
                  pool: {name: shop}
                  queue: {create: true}
                """.formatted(NS, node.operatorUser(), node.operatorPassword(), node.workerUser(),
                node.workerPassword(), Images.wakeqImage(), node.dbHostInCluster(), node.dbPortInCluster(), SCHEMA);
    }

    private static String readyStatus() {
        var tenant = client.genericKubernetesResources("wakeq.dev/v1alpha1", "QueueTenant").inNamespace(NS)
                .withName("shop").get();
        if (tenant == null || tenant.getAdditionalProperties().get("status") == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        var conditions = (List<Map<String, Object>>) ((Map<String, Object>) tenant.getAdditionalProperties()
                .get("status")).get("conditions");
        return conditions == null ? null : conditions.stream().filter(c -> "Ready".equals(c.get("type")))
                .map(c -> (String) c.get("status")).findFirst().orElse(null);
    }

    private static List<Pod> workerPods() {
        Deployment d = client.apps().deployments().inNamespace(NS).withName("shop-worker").get();
        if (d == null) {
            return List.of();
        }
        return client.pods().inNamespace(NS).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String log(Pod pod) {
        return node.kubectl("logs", "-n", NS, pod.getMetadata().getName());
    }

    /** Autocommit: each query sees the latest commit. A handled job's row is deleted. */
    private static boolean rowExists(Connection c, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM _queue WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
