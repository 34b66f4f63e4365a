package dev.wakeq.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import dev.wakeq.testbed.node.ChartRelease;
import dev.wakeq.testbed.node.Images;
import dev.wakeq.testbed.node.RealNode;
import dev.wakeq.testbed.node.RequiresRealNode;
import dev.wakeq.testbed.node.TenantOnNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's life after install on a real node. {@code helm upgrade --set udf.image.tag=v2} (the function
 * release of docs/operations.md, after the DBA put v2's library in the server's plugin dir) moves the tenant's
 * trigger to {@code wakeq_notify_v2} while an application inserts 20 rows a second: no insert fails, every row
 * is handled. Then {@code helm uninstall}: what stays is what docs/helm.md ("Uninstall") says stays. Leaves the
 * release uninstalled; a later test class installs it again ({@link ChartRelease#installed}).
 */
@RequiresRealNode
class HelmUpgradeAndUninstallOnRealNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String NEW_VERSION = "v2";
    private static RealNode node;
    private static KubernetesClient client;
    private static TenantOnNode tenant;

    @BeforeAll
    static void install() {
        node = RealNode.shared();
        client = node.newClient();
        ChartRelease.installed(node);
        // A schema of its own per run: a node brought up by hand keeps the database between runs.
        tenant = new TenantOnNode(node, client, "upg" + Integer.toHexString((int) (System.nanoTime() & 0xfff)));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void upgradeMovesTheFunctionUnderInsertsAndUninstallLeavesWhatTheDocsSay() throws Exception {
        tenant.apply("""
                image: %s
                minReplicas: 1
                maxReplicas: 1
                handler: {type: Log}""".formatted(Images.wakeqImage()));
        tenant.awaitOrExplain("QueueTenant Ready", WAIT, () -> "True".equals(tenant.readyStatus()));
        tenant.awaitPodKnowingTheTenant("worker", WAIT);
        assertThat(triggerBody()).contains("wakeq_notify_" + Images.udfVersion() + "(");
        installLibrary(NEW_VERSION);

        ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
        AtomicReference<SQLException> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread inserter = new Thread(() -> insertUntil(stop, ids, failure), "inserts-20-per-s");
        inserter.start();
        long upgradeStarted = System.nanoTime();
        try {
            ChartRelease.upgrade(node, "udf.image.tag", NEW_VERSION);
            long upgraded = System.nanoTime();
            tenant.awaitOrExplain("the tenant on " + NEW_VERSION, WAIT,
                    () -> NEW_VERSION.equals(installedVersion()) && triggerBody().contains("wakeq_notify_v2("));
            long moved = System.nanoTime();
            int before = ids.size();
            tenant.awaitOrExplain("inserts after the move", WAIT, () -> ids.size() >= before + 40);
            System.out.printf("real-node: helm upgrade udf.image.tag %s -> %s: helm (operator rolled) %d ms, "
                            + "tenant moved %d ms after the upgrade started%n", Images.udfVersion(), NEW_VERSION,
                    ms(upgraded - upgradeStarted), ms(moved - upgradeStarted));
        } finally {
            stop.set(true);
            inserter.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat((Throwable) failure.get()).as("no insert failed during the upgrade").isNull();
        tenant.awaitOrExplain("all " + ids.size() + " rows inserted during the upgrade handled", WAIT,
                () -> queueRows() == 0);
        System.out.printf("real-node: helm upgrade under inserts: %d rows inserted, 0 failed, all handled%n",
                ids.size());

        String out = ChartRelease.uninstall(node);
        System.out.println("real-node: helm uninstall: " + out.strip());
        tenant.awaitOrExplain("the operator pod gone", WAIT, () -> client.pods()
                .inNamespace(ChartRelease.NAMESPACE).withLabel("app.kubernetes.io/instance", ChartRelease.NAME)
                .list().getItems().isEmpty());
        assertThat(Helm.list().withNamespace(ChartRelease.NAMESPACE).withKubeConfig(node.kubeconfig()).call()
                .stream().noneMatch(r -> ChartRelease.NAME.equals(r.getName()))).as("helm list: no release").isTrue();
        // Gone: everything the chart made (docs/helm.md, "Uninstall").
        String selector = "app.kubernetes.io/instance=" + ChartRelease.NAME;
        assertThat(node.kubectl("get", "deployments,services,serviceaccounts,roles,rolebindings,configmaps",
                "-n", ChartRelease.NAMESPACE, "-l", selector, "-o", "name")).isBlank();
        assertThat(node.kubectl("get", "clusterroles,clusterrolebindings", "-l", selector, "-o", "name")).isBlank();
        // Stays: the CRDs (Helm never deletes crds/), so every QueueTenant and WorkerPool, and what the operator
        // made for them; the queue table; the trigger and the event; the leader-election Lease.
        assertThat(node.kubectl("get", "crd", "queuetenants.wakeq.dev", "workerpools.wakeq.dev", "-o", "name"))
                .contains("queuetenants.wakeq.dev", "workerpools.wakeq.dev");
        assertThat(node.kubectl("get", "queuetenants,workerpools,deployments,services,secrets", "-n",
                tenant.namespace, "-o", "name")).contains("queuetenant.wakeq.dev/" + tenant.schema,
                "workerpool.wakeq.dev/" + tenant.schema, "deployment.apps/" + tenant.schema + "-worker");
        assertThat(ChartRelease.lease(client)).as("the Lease (the operator made it, not the chart)").isNotNull();
        assertThat(triggerBody()).contains("wakeq_notify_v2(");
        // Nothing in the wake-up path needs the operator: the workers it left keep handling inserts.
        try (Connection c = tenant.connection()) {
            long inserted = System.nanoTime();
            long id = TenantOnNode.insert(c, "after-uninstall");
            long handled = TenantOnNode.awaitHandled(c, id, WAIT);
            System.out.printf("real-node: after helm uninstall an INSERT is still handled by the pool's worker "
                    + "in %d ms%n", ms(handled - inserted));
        }
    }

    /** The DBA's step of a release: the new library into the server's plugin dir with the image's installer. */
    private static void installLibrary(String version) throws Exception {
        Path udfImage = Images.projectDir().resolve("udf-image");
        run(List.of("make", "-s", "-C", udfImage.toString(), "VERSION=" + version, "all"));
        run(List.of(udfImage.resolve("build/wakeq-install").toString(),
                udfImage.resolve("build/libwakeq_notify_" + version + ".so").toString(),
                node.dir().resolve("db/plugin").toString()));
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    /** An application inserting 20 rows a second, each in its own autocommit statement. */
    private static void insertUntil(AtomicBoolean stop, ConcurrentLinkedQueue<Long> ids,
                                    AtomicReference<SQLException> failure) {
        try (Connection c = tenant.connection()) {
            long next = System.nanoTime();
            while (!stop.get()) {
                try {
                    ids.add(TenantOnNode.insert(c, "upgrade-" + ids.size()));
                } catch (SQLException e) {
                    failure.compareAndSet(null, e);
                }
                next += TimeUnit.MILLISECONDS.toNanos(50);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the load, not waiting for a condition
                }
            }
        } catch (SQLException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String installedVersion() {
        var t = client.genericKubernetesResources("wakeq.dev/v1alpha1", "QueueTenant").inNamespace(tenant.namespace)
                .withName(tenant.schema).get();
        Object status = t == null ? null : t.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (String) m.get("installedFunctionVersion") : null;
    }

    /** The queue table's trigger body (information_schema, this one table's triggers only). */
    private static String triggerBody() throws SQLException {
        try (Connection c = tenant.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? "
                        + "AND EVENT_OBJECT_TABLE = '_queue'")) {
            ps.setString(1, tenant.schema);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }

    private static int queueRows() throws SQLException {
        try (Connection c = tenant.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM _queue")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
