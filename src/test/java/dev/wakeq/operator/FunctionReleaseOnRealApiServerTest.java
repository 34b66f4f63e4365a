package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.install.Fixtures;
import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A function release the way the chart makes it: the operator's function version (the chart's
 * {@code udf.image.tag}) changes, which restarts the operator (played here by a plain JOSDK operator per version,
 * the application's own operator is not started: {@link WithoutQuarkusOperator}), and every tenant that does not pin a version moves
 * its trigger and event to the new function while inserts go on; the last one to move drops the old function.
 * Then the rollback, the same way. Versions of their own ({@code wqop1}, {@code wqop2}): a function is server-wide
 * and other test classes keep v1 in use. {@code FunctionReleaseUnderLoadTest} proves the per-tenant swap leaves no
 * row without a trigger; this test proves the operator moves every tenant of a server and retires the old
 * function once, with no failed insert.
 */
@QuarkusTest
@TestProfile(WithoutQuarkusOperator.class)
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class FunctionReleaseOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String V1 = "wqop1";
    private static final String V2 = "wqop2";
    private static final int TENANTS = 3;

    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig config;
    @Inject
    OperatorMetrics metrics;

    @Test
    void changingTheOperatorsFunctionVersionMovesEveryTenantOnMariaDb() throws Exception {
        releaseUnderInserts(TestDatabases.mariadb());
    }

    @Test
    void changingTheOperatorsFunctionVersionMovesEveryTenantOnMySql8() throws Exception {
        releaseUnderInserts(TestDatabases.mysql8());
    }

    private void releaseUnderInserts(DbServer db) throws Exception {
        Fixtures.library(db, V1);
        Fixtures.library(db, V2);
        // The test's operators get a client of their own, closed when the test ends.
        KubernetesClient fresh = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        OperatorFixture f = new OperatorFixture(fresh, "frel");
        f.pool("pool", "127.0.0.1", 18698);
        f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        List<TestSchema> schemas = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            TestSchema schema = OperatorFixture.queueSchema(db, "frel" + i);
            schemas.add(schema);
            f.tenant("t" + i, "pool", db, schema.name(), "db", null, spec -> spec.getFunction().setVersion(null));
        }
        String namespace = f.namespace;
        release(fresh, namespace, V1);
        assertThat(functions(db)).contains(V1).doesNotContain(V2);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong inserts = new AtomicLong();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> inserters = new ArrayList<>();
        for (TestSchema schema : schemas) {
            Thread t = new Thread(() -> {
                try (Connection c = schema.root();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO `_queue` (payload) VALUES ('x')")) {
                    while (!stop.get()) {
                        try {
                            ps.executeUpdate();
                            inserts.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "inserts-" + schema.name());
            t.start();
            inserters.add(t);
        }
        long upgradeMillis;
        long rollbackMillis;
        try {
            Thread.sleep(500);
            upgradeMillis = release(fresh, namespace, V2);
            assertThat(functions(db)).as("the old function goes with the last tenant").contains(V2).doesNotContain(V1);
            rollbackMillis = release(fresh, namespace, V1);
            assertThat(functions(db)).contains(V1).doesNotContain(V2);
        } finally {
            stop.set(true);
            for (Thread t : inserters) {
                t.join();
            }
            fresh.close();
        }
        assertThat(failures).as("failed inserts").isEmpty();
        for (TestSchema schema : schemas) {
            assertThat(OperatorFixture.triggerBody(schema, "wakeq_wake___queue")).hasValueSatisfying(body ->
                    assertThat(body).contains("wakeq_notify_" + V1 + "("));
        }
        System.out.printf("function release through the operator on %s: %d tenants moved %s -> %s in %d ms and back "
                        + "in %d ms under %d back-to-back inserts, 0 failed%n", db.name(), TENANTS, V1, V2,
                upgradeMillis, rollbackMillis, inserts.get());
    }

    /** Runs an operator whose function version is {@code version} until every tenant has moved to it. */
    private long release(KubernetesClient fresh, String namespace, String version) throws Exception {
        long start = System.nanoTime();
        Operator next = OperatorFixture.successor(fresh, withFunctionVersion(version), metrics);
        next.start();
        try {
            await().atMost(WAIT).until(() -> allOn(fresh, namespace, version));
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            next.stop();
        }
    }

    private boolean allOn(KubernetesClient c, String namespace, String version) {
        List<QueueTenant> tenants = c.resources(QueueTenant.class).inNamespace(namespace).list().getItems();
        return tenants.size() == TENANTS && tenants.stream().allMatch(t -> t.getStatus() != null
                && version.equals(t.getStatus().getInstalledFunctionVersion())
                && t.getStatus().getConditions().stream()
                .anyMatch(cond -> "Ready".equals(cond.getType()) && "True".equals(cond.getStatus())));
    }

    private static List<String> functions(DbServer db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.rootConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM mysql.func WHERE name IN (?, ?)")) {
            ps.setString(1, "wakeq_notify_" + V1);
            ps.setString(2, "wakeq_notify_" + V2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1).substring("wakeq_notify_".length()));
                }
            }
        }
        return names;
    }

    /** The running operator's settings with another function version: what a changed udf.image.tag gives. */
    private OperatorConfig withFunctionVersion(String version) {
        return new OperatorConfig() {
            public Duration recheckInterval() { return config.recheckInterval(); }
            public Duration retryInterval() { return config.retryInterval(); }
            public String functionVersion() { return version; }
            public Duration reportInterval() { return config.reportInterval(); }
            public LeaderElection leaderElection() { return config.leaderElection(); }
        };
    }
}
