package dev.wakeq.testbed.node;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One namespace on the real node with a WorkerPool and a QueueTenant (both named after the schema) applied with
 * kubectl as a user would, against the test bed's database; and what tests ask of them: readiness, pods, logs,
 * inserts, and when an inserted job was handled (its row deleted).
 */
public final class TenantOnNode {

    private final RealNode node;
    private final KubernetesClient client;
    public final String namespace;
    public final String schema;

    public TenantOnNode(RealNode node, KubernetesClient client, String schema) {
        this.node = node;
        this.client = client;
        this.schema = schema;
        this.namespace = schema + "-" + UUID.randomUUID().toString().substring(0, 6);
        try (Connection c = node.rootConnection(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code kubectl apply -f} of the namespace, the two account Secrets, the pool and the tenant. */
    public void apply(String poolSpecYaml) {
        try {
            Path file = Files.createTempFile("wakeq-" + schema, ".yaml");
            Files.writeString(file, manifests(poolSpecYaml));
            node.kubectl("apply", "-f", file.toString());
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String manifests(String poolSpecYaml) {
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
                metadata: {name: %6$s, namespace: %1$s}
                spec:
                %7$s
                ---
                apiVersion: wakeq.dev/v1alpha1
                kind: QueueTenant
                metadata: {name: %6$s, namespace: %1$s}
                spec:
                  database:
                    host: %8$s
                    port: %9$d
                    schema: %6$s
                    credentials: {secretName: operator-db}
                    workerCredentials: {secretName: worker-db}
                  pool: {name: %6$s}
                  queue: {create: true}
                """.formatted(namespace, node.operatorUser(), node.operatorPassword(), node.workerUser(),
                node.workerPassword(), schema, poolSpecYaml.indent(2).stripTrailing(), node.dbHostInCluster(),
                node.dbPortInCluster());
    }

    /** Waits for a condition; on timeout fails with what kubectl shows of the namespace (objects, events). */
    public void awaitOrExplain(String what, Duration timeout, Callable<Boolean> condition) {
        try {
            await(what).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + timeout + "\n" + describe(), e);
        }
    }

    /** The namespace as kubectl shows it: pool and tenant with status, Deployments, pods, events. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (String[] args : List.of(new String[] {"get", "workerpools,queuetenants", "-o", "yaml"},
                new String[] {"get", "deployments,pods", "-o", "wide"},
                new String[] {"get", "events", "--sort-by=.lastTimestamp"})) {
            try {
                List<String> cmd = new java.util.ArrayList<>(List.of(args));
                cmd.addAll(List.of("-n", namespace));
                out.append(node.kubectl(cmd.toArray(String[]::new))).append('\n');
            } catch (RuntimeException e) {
                out.append(e.getMessage()).append('\n');
            }
        }
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            try {
                out.append("--- kubectl logs ").append(pod.getMetadata().getName()).append(" (last 30 lines)\n")
                        .append(node.kubectl("logs", "-n", namespace, "--tail=30", pod.getMetadata().getName()));
            } catch (RuntimeException e) {
                out.append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    /** The tenant's Ready condition status, or null before it has one. */
    public String readyStatus() {
        var tenant = client.genericKubernetesResources("wakeq.dev/v1alpha1", "QueueTenant").inNamespace(namespace)
                .withName(schema).get();
        if (tenant == null || tenant.getAdditionalProperties().get("status") == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        var conditions = (List<Map<String, Object>>) ((Map<String, Object>) tenant.getAdditionalProperties()
                .get("status")).get("conditions");
        return conditions == null ? null : conditions.stream().filter(c -> "Ready".equals(c.get("type")))
                .map(c -> (String) c.get("status")).findFirst().orElse(null);
    }

    /** Pods of the pool's Deployment {@code <pool>-worker} or {@code <pool>-receiver}. */
    public List<Pod> pods(String role) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(schema + "-" + role).get();
        if (d == null) {
            return List.of();
        }
        return client.pods().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list()
                .getItems();
    }

    public Deployment deployment(String role) {
        return client.apps().deployments().inNamespace(namespace).withName(schema + "-" + role).get();
    }

    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** {@code kubectl logs}: what a user reads. */
    public String log(Pod pod) {
        return node.kubectl("logs", "-n", namespace, pod.getMetadata().getName());
    }

    /** A first ready pod of the role whose log says it loaded the tenant (from its mounted Secret). */
    public Pod awaitPodKnowingTheTenant(String role, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> pods(role).stream()
                .filter(TenantOnNode::ready).filter(p -> log(p).contains("loaded: 1 tenant(s)")).findFirst()
                .orElse(null), p -> p != null);
    }

    /** Root on the tenant's schema from the host side, autocommit: each query sees the latest commit. */
    public Connection connection() throws SQLException {
        return node.rootConnection(schema);
    }

    /** Inserts one job and returns its id. */
    public static long insert(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO _queue (payload) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, payload);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** A handled job's row is deleted. */
    public static boolean rowExists(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM _queue WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Waits (polling every 20 ms) until the job's row is gone; returns System.nanoTime() then. */
    public static long awaitHandled(Connection c, long id, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> !rowExists(c, id));
        return System.nanoTime();
    }
}
