package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.junit.jupiter.api.Test;

/**
 * An operator release: the operator that installed a tenant and its pool stops and a new one, with fresh
 * reconcilers and empty caches (as a new pod would have), takes over the same tenant and pool. It must re-install nothing and rewrite nothing that
 * is already right: the same trigger, event and function (their creation and change times included), the same
 * tenants Secret, Deployment, Service and budget, the same tenant status. Both are plain JOSDK {@link Operator}s
 * in this JVM ({@link OperatorFixture#successor}; one Quarkus application cannot run two), without leader
 * election, which {@code LeaderElectionOnRealApiServerTest} covers.
 */
@QuarkusTest
@TestProfile(WithoutQuarkusOperator.class)
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class OperatorReleaseOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig config;
    @Inject
    OperatorMetrics metrics;
    @Inject
    MeterRegistry meters;

    @Test
    void aNewOperatorTakesOverWithoutChangingWhatIsAlreadyRightOnMariaDb() throws Exception {
        takesOverUnchanged(TestDatabases.mariadb(), 18697);
    }

    @Test
    void aNewOperatorTakesOverWithoutChangingWhatIsAlreadyRightOnMySql8() throws Exception {
        takesOverUnchanged(TestDatabases.mysql8(), 18699);
    }

    /**
     * The old operator (a plain one, so each test has its own) installs and is stopped; the new one takes over.
     */
    private void takesOverUnchanged(DbServer db, int wakePort) throws Exception {
        // The test's operators get a client of their own, closed when the test ends.
        KubernetesClient fresh = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        Operator old = OperatorFixture.successor(fresh, config, metrics);
        old.start();
        OperatorFixture f = new OperatorFixture(fresh, "release");
        TestSchema schema;
        List<String> before;
        try {
            schema = f.readyTenant(db, "release", "t1", wakePort, WAIT);
            await().atMost(WAIT).until(() -> f.poolCondition("pool", "SpecValid").isPresent());
            Thread.sleep(3_000);
            before = snapshot(fresh, f.namespace, schema);
        } finally {
            old.stop();
        }

        Operator next = OperatorFixture.successor(fresh, config, metrics);
        double installs = installs();
        double unchanged = rechecksUnchanged();
        next.start();
        try {
            // The new operator has reconciled the tenant (its installer ran, then a re-check found nothing changed)
            // and the pool (several report rounds).
            await().atMost(WAIT).until(() -> installs() >= installs + 1 && rechecksUnchanged() >= unchanged + 1);
            Thread.sleep(3 * config.reportInterval().toMillis());
            List<String> after = snapshot(fresh, f.namespace, schema);
            assertThat(after).as("nothing re-installed, re-created or rewritten").isEqualTo(before);
            assertThat(after).contains("condition Ready=True since " + readySince(before));
        } finally {
            next.stop();
            fresh.close();
        }
    }

    private double rechecksUnchanged() {
        return meters.find(OperatorMetrics.RECHECKS_UNCHANGED).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double installs() {
        return meters.find(OperatorMetrics.INSTALLS).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** What a needless re-install or rewrite would change: DDL times and bodies, generations, versions. */
    private static String readySince(List<String> snapshot) {
        return snapshot.stream().filter(l -> l.startsWith("condition Ready=True since ")).findFirst().orElseThrow()
                .substring("condition Ready=True since ".length());
    }

    private List<String> snapshot(KubernetesClient client, String namespace, TestSchema schema) throws Exception {
        List<String> s = new ArrayList<>();
        try (Connection c = schema.root()) {
            s.addAll(rows(c, "SELECT ACTION_STATEMENT, CREATED FROM information_schema.TRIGGERS "
                    + "WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = '_queue'", schema.name()));
            s.addAll(rows(c, "SELECT EVENT_NAME, EVENT_DEFINITION, CREATED, LAST_ALTERED FROM information_schema.EVENTS "
                    + "WHERE EVENT_SCHEMA = ?", schema.name()));
            s.addAll(rows(c, "SELECT name, dl FROM mysql.func WHERE name LIKE ?", "wakeq_notify_%"));
        }
        s.add("secret " + version(client.secrets().inNamespace(namespace).withName(
                dev.wakeq.worker.TenantShards.secretName("pool", dev.wakeq.worker.TenantShards.of(namespace + "/t1")))
                .get()));
        s.add("deployment " + generation(client.apps().deployments().inNamespace(namespace).withName("pool-worker")
                .get()));
        s.add("service " + version(client.services().inNamespace(namespace).withName("pool-wake").get()));
        QueueTenant t = client.resources(QueueTenant.class).inNamespace(namespace).withName("t1").get();
        s.add("tenant generation " + t.getMetadata().getGeneration() + " observed "
                + t.getStatus().getObservedGeneration() + " version " + t.getStatus().getInstalledFunctionVersion()
                + " target " + t.getStatus().getWakeTarget());
        t.getStatus().getConditions().forEach(cond -> s.add("condition " + cond.getType() + "=" + cond.getStatus()
                + " since " + cond.getLastTransitionTime()));
        return s;
    }

    private static String version(HasMetadata o) {
        return o.getMetadata().getResourceVersion();
    }

    private static String generation(HasMetadata o) {
        return String.valueOf(o.getMetadata().getGeneration());
    }

    private static List<String> rows(Connection c, String sql, String arg) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }
}
