package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.tenant.TenantsFile;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The operator, running in Quarkus against a real kube-apiserver, installs into real MariaDB and MySQL 8
 * databases. Names say what each proves.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class QueueTenantOnRealApiServerTest {

    private static final String TRIGGER = "wakeq_wake___queue";
    private static final String EVENT = "wakeq_sweep___queue";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Test
    void tenantBecomesReadyOnMariaDbWithTriggerEventFunctionAndRegistration() throws Exception {
        happyPath(TestDatabases.mariadb());
    }

    @Test
    void tenantBecomesReadyOnMySql8() throws Exception {
        happyPath(TestDatabases.mysql8());
    }

    private void happyPath(DbServer db) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "qt-ready");
        TestSchema schema = OperatorFixture.queueSchema(db, "op_ready");
        f.pool("pool", "127.0.0.1", 18686);
        f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        f.tenant("t1", "pool", db, schema.name(), "db");

        await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null));
        QueueTenant t = f.get("t1");
        assertThat(t.getStatus().getInstalledFunctionVersion()).isEqualTo(TestDatabases.udfVersion());
        assertThat(t.getStatus().getWakeTarget()).isEqualTo("127.0.0.1:18686");
        assertThat(t.getStatus().getObservedGeneration()).isEqualTo(t.getMetadata().getGeneration());
        for (String type : new String[] {"DatabaseReachable", "FunctionInstalled", "TriggerInstalled",
                "EventInstalled", "RegisteredWithPool"}) {
            assertThat(f.condition("t1", type)).as(type).hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
        }
        assertThat(OperatorFixture.triggerBody(schema, TRIGGER)).hasValueSatisfying(b -> assertThat(b)
                .contains("wakeq_notify_" + TestDatabases.udfVersion()).contains("'127.0.0.1'").contains("18686"));
        assertThat(OperatorFixture.eventExists(schema, EVENT)).isTrue();

        Secret tenants = client.secrets().inNamespace(f.namespace).withName(dev.wakeq.worker.TenantShards.secretName("pool",
                dev.wakeq.worker.TenantShards.of(f.namespace + "/t1"))).get();
        TenantsFile file = TenantsFile.parse(Base64.getDecoder().decode(tenants.getData().get("tenants.json")));
        assertThat(file.find(f.namespace + "/t1")).hasValueSatisfying(e -> {
            assertThat(e.jdbcUrl()).endsWith("/" + schema.name());
            assertThat(e.key()).matches("[a-z0-9]{24}");
        });
        // The key and the password are in the Secret only: never in status.
        assertThat(client.getKubernetesSerialization().asJson(t.getStatus()))
                .doesNotContain(file.tenants().get(0).key()).doesNotContain(DbServer.OPERATOR_PASSWORD);
        await().atMost(WAIT).until(() -> f.hasEvent("QueueTenant", "t1", "Normal", "Installed", "Ready is True"));
    }

    @Test
    void triggerFollowsAChangedPoolAddressAndComesBackWhenDroppedByHand() throws Exception {
        DbServer db = TestDatabases.mariadb();
        OperatorFixture f = new OperatorFixture(client, "qt-drift");
        TestSchema schema = f.readyTenant(db, "op_drift", "t1", 18687, WAIT);

        client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool")
                .edit(p -> {
                    p.getSpec().getWake().setAdvertisedAddress("127.0.0.2");
                    return p;
                });
        await().atMost(WAIT).until(() -> OperatorFixture.triggerBody(schema, TRIGGER)
                .map(b -> b.contains("'127.0.0.2'")).orElse(false));

        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER `" + TRIGGER + "`");
        }
        await().atMost(WAIT).until(() -> OperatorFixture.triggerBody(schema, TRIGGER).isPresent());
    }

    @Test
    void deletingTheTenantRemovesTriggerAndEventButKeepsTheQueueAndItsRows() throws Exception {
        DbServer db = TestDatabases.mariadb();
        OperatorFixture f = new OperatorFixture(client, "qt-delete");
        TestSchema schema = f.readyTenant(db, "op_delete", "t1", 18688, WAIT);
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO `_queue` (payload) VALUES ('kept-1'), ('kept-2')");
        }

        client.resources(QueueTenant.class).inNamespace(f.namespace).withName("t1").delete();
        await().atMost(WAIT).until(() -> f.get("t1") == null);
        assertThat(OperatorFixture.triggerBody(schema, TRIGGER)).isEmpty();
        assertThat(OperatorFixture.eventExists(schema, EVENT)).isFalse();
        assertThat(OperatorFixture.rows(schema, "_queue")).isEqualTo(2);
        Secret tenants = client.secrets().inNamespace(f.namespace).withName(dev.wakeq.worker.TenantShards.secretName("pool",
                dev.wakeq.worker.TenantShards.of(f.namespace + "/t1"))).get();
        assertThat(TenantsFile.parse(Base64.getDecoder().decode(tenants.getData().get("tenants.json")))
                .find(f.namespace + "/t1")).isEmpty();
    }

    @Test
    void eachProblemHasItsOwnReasonAndOtherTenantsStayReady() throws Exception {
        DbServer db = TestDatabases.mariadb();
        OperatorFixture f = new OperatorFixture(client, "qt-faults");
        f.pool("pool", "127.0.0.1", 18689);
        f.credentials("good", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        f.credentials("bad", DbServer.OPERATOR_USER, "wrong-password");
        TestSchema healthy = OperatorFixture.queueSchema(db, "op_ok");
        TestSchema noTable = db.newSchema("op_notable");
        TestSchema badCreds = OperatorFixture.queueSchema(db, "op_badcreds");
        TestSchema noLibrary = OperatorFixture.queueSchema(db, "op_nolib");

        f.tenant("healthy", "pool", db, healthy.name(), "good");
        f.tenant("bad-credentials", "pool", db, badCreds.name(), "bad");
        f.tenant("missing-table", "pool", db, noTable.name(), "good");
        QueueTenant missingLibrary = f.tenant("missing-library", "pool", db, noLibrary.name(), "good");
        f.tenant("missing-secret", "pool", db, healthy.name(), "no-such-secret");
        QueueTenant noPool = f.tenant("no-pool", "absent-pool", db, healthy.name(), "good");
        client.resources(QueueTenant.class).inNamespace(f.namespace).withName(missingLibrary.getMetadata().getName())
                .edit(t -> {
                    t.getSpec().getFunction().setVersion("v999");
                    return t;
                });

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(f.conditionIs("healthy", "Ready", "True", null)).isTrue();
            assertThat(f.conditionIs("bad-credentials", "DatabaseReachable", "False", "AuthenticationFailed")).isTrue();
            assertThat(f.conditionIs("missing-table", "TriggerInstalled", "False", "QueueTableMissing")).isTrue();
            assertThat(f.conditionIs("missing-library", "FunctionInstalled", "False", "UdfLibraryMissing")).isTrue();
            assertThat(f.conditionIs("missing-secret", "DatabaseReachable", "False", "CredentialsSecretMissing")).isTrue();
            assertThat(f.conditionIs(noPool.getMetadata().getName(), "RegisteredWithPool", "False", "PoolNotFound")).isTrue();
        });
        for (String t : new String[] {"bad-credentials", "missing-table", "missing-library", "missing-secret"}) {
            assertThat(f.condition(t, "Ready")).hasValueSatisfying(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getMessage()).isNotBlank().doesNotContain("wrong-password")
                        .doesNotContain(DbServer.OPERATOR_PASSWORD);
            });
        }
        assertThat(f.condition("missing-library", "FunctionInstalled").orElseThrow().getMessage())
                .contains("libwakeq_notify_v999.so");

        // Each failure is an Event too, once per change, with the same reason and no credentials.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(f.hasEvent("QueueTenant", "bad-credentials", "Warning", "AuthenticationFailed", "Ready is False"))
                    .isTrue();
            assertThat(f.hasEvent("QueueTenant", "missing-table", "Warning", "QueueTableMissing", "TriggerInstalled"))
                    .isTrue();
            assertThat(f.hasEvent("QueueTenant", "healthy", "Normal", "Installed", "Ready is True")).isTrue();
        });
        for (String t : new String[] {"bad-credentials", "missing-table", "missing-library", "missing-secret"}) {
            assertThat(f.events("QueueTenant", t)).allSatisfy(e -> assertThat(e.getMessage())
                    .doesNotContain("wrong-password").doesNotContain(DbServer.OPERATOR_PASSWORD));
        }
        // Retries every 2 s (test profile) repeat the same failure: that is no new event.
        int before = f.events("QueueTenant", "bad-credentials").size();
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> f.events("QueueTenant", "bad-credentials").size() == before);
    }

    @Test
    void invalidSpecsAreRefusedByTheApiServerBeforeAnySql() {
        OperatorFixture f = new OperatorFixture(client, "qt-invalid");
        QueueTenant bad = new QueueTenant();
        bad.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("evil")
                .withNamespace(f.namespace).build());
        bad.setSpec(new dev.wakeq.operator.crd.QueueTenantSpec());
        bad.getSpec().setDatabase(new dev.wakeq.operator.crd.DatabaseSpec());
        bad.getSpec().getDatabase().setHost("127.0.0.1");
        bad.getSpec().getDatabase().setSchema("s");
        bad.getSpec().getDatabase().setCredentials(new dev.wakeq.operator.crd.CredentialsReference());
        bad.getSpec().getDatabase().getCredentials().setSecretName("db");
        bad.getSpec().setPool(new dev.wakeq.operator.crd.PoolReference());
        bad.getSpec().getPool().setName("pool");
        bad.getSpec().getQueue().setTable("_queue`; DROP TABLE x; --");
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(KubernetesClientException.class,
                () -> client.resource(bad).create()))
                .satisfies(e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.queue.table");
                });

        WorkerPool pool = new WorkerPool();
        pool.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("neg")
                .withNamespace(f.namespace).build());
        pool.setSpec(new dev.wakeq.operator.crd.WorkerPoolSpec());
        pool.getSpec().setImage("x");
        pool.getSpec().setMinReplicas(-1);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(KubernetesClientException.class,
                () -> client.resource(pool).create()))
                .satisfies(e -> assertThat(e.getMessage()).contains("spec.minReplicas"));
    }
}
