package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.CredentialsReference;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.TenantWakeSpec;
import dev.wakeq.operator.relay.RelayNames;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import dev.wakeq.worker.Job;
import dev.wakeq.worker.JobHandler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A QueueTenant with {@code spec.wake.source: Binlog} end to end: the operator deploys the relay for its server
 * (Deployment and relay-file Secret), {@link FakeKubelet} runs it as an in-process relay and the pool as a worker,
 * the tenant turns Ready once the relay reports it, with no trigger or event in its schema, and an INSERT is handled
 * well before any sweep (60 minutes here) could explain it. Then the tenant switches to Trigger and back, one job at a
 * time, each handled before the next is inserted, and the relay goes away when no Binlog tenant needs it.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class BinlogTenantOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TRIGGER = "wakeq_wake___queue";
    private static final String EVENT = "wakeq_sweep___queue";

    @Inject
    KubernetesClient client;

    @Test
    void aBinlogTenantsInsertIsHandledThroughTheRelayOnMariaDb() throws Exception {
        binlogTenant(TestDatabases.mariadb(), "127.0.0.61");
    }

    @Test
    void aBinlogTenantsInsertIsHandledThroughTheRelayOnMySql8() throws Exception {
        binlogTenant(TestDatabases.mysql8(), "127.0.0.62");
    }

    /** The schema checks the source: the API server refuses another value and names the field. */
    @Test
    void anUnknownWakeSourceIsRefusedNamingTheField() {
        OperatorFixture f = new OperatorFixture(client, "blsrc");
        String yaml = """
                apiVersion: wakeq.dev/v1alpha1
                kind: QueueTenant
                metadata: {name: t1, namespace: %s}
                spec:
                  database: {host: db, schema: s, credentials: {secretName: db}}
                  pool: {name: pool}
                  wake: {source: Polling}
                """.formatted(f.namespace);
        // Untyped: the typed model could not even hold the value; the API server's schema is what is tested.
        GenericKubernetesResource tenant = client.getKubernetesSerialization().unmarshal(yaml,
                GenericKubernetesResource.class);
        assertThatThrownBy(() -> client.genericKubernetesResources("wakeq.dev/v1alpha1", "QueueTenant")
                .inNamespace(f.namespace).resource(tenant).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.wake.source")
                .hasMessageContaining("Polling");
    }

    private void binlogTenant(DbServer db, String podAddress) throws Exception {
        OperatorFixture f = new OperatorFixture(client, "binlog");
        TestSchema schema = OperatorFixture.queueSchema(db, "bl");
        InetAddress address = InetAddress.getByName(podAddress);
        List<Job> handled = new CopyOnWriteArrayList<>();
        UnaryOperator<JobHandler> recording = inner -> job -> {
            inner.handle(job);
            handled.add(job);
        };
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, recording).start()) {
            f.pool("pool", podAddress, OperatorFixture.freeWakePort(address), spec -> spec.setIdleTimeoutSeconds(1));
            await().atMost(WAIT).until(() -> f.poolCondition("pool", "Ready")
                    .map(c -> "True".equals(c.getStatus())).orElse(false));
            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.credentials("worker-db", DbServer.WORKER_USER, DbServer.WORKER_PASSWORD);
            f.credentials("relay-db", DbServer.RELAY_USER, DbServer.RELAY_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", "worker-db", spec -> {
                spec.getWake().setSource(TenantWakeSpec.Source.Binlog);
                CredentialsReference relay = new CredentialsReference();
                relay.setSecretName("relay-db");
                spec.getWake().setRelayCredentials(relay);
            });
            String tenant = f.namespace + "/t1";
            String relay = new RelayNames(f.namespace, db.host(), db.port(), "relay-db").name();

            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null));
            assertThat(f.get("t1").getStatus().getWakeSource()).isEqualTo("Binlog");
            assertThat(f.condition("t1", "RelayConnected").orElseThrow().getReason()).isEqualTo("Streaming");
            assertThat(f.condition("t1", "TriggerInstalled")).isEmpty();
            assertThat(kubelet.running(relay)).isEqualTo(1);
            assertThat(OperatorFixture.triggerBody(schema, TRIGGER)).isEmpty();
            assertThat(OperatorFixture.eventExists(schema, EVENT)).isFalse();
            await().atMost(WAIT).until(() -> kubelet.serves(tenant));

            long millis = insertAndAwaitHandled(schema, handled, "binlog-1");
            System.out.printf("binlog tenant end to end on %s: insert to handled and deleted within %d ms%n",
                    db.name(), millis);
            assertThat(handled).singleElement().satisfies(job -> assertThat(job.tenant()).isEqualTo(tenant));

            // Binlog to Trigger: the trigger is installed, then the relay lets go (its last tenant: it is removed).
            switchTo(f, TenantWakeSpec.Source.Trigger);
            await().atMost(WAIT).until(() -> "Trigger".equals(f.get("t1").getStatus().getWakeSource())
                    && f.conditionIs("t1", "Ready", "True", null));
            assertThat(OperatorFixture.triggerBody(schema, TRIGGER)).isPresent();
            await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(f.namespace).withName(relay)
                    .get() == null && client.secrets().inNamespace(f.namespace).withName(relay).get() == null);
            insertAndAwaitHandled(schema, handled, "trigger-2");

            // And back, one job at a time while the switch runs: each must be handled before the next goes in.
            switchTo(f, TenantWakeSpec.Source.Binlog);
            int n = 3;
            while (!("Binlog".equals(f.get("t1").getStatus().getWakeSource())
                    && f.conditionIs("t1", "Ready", "True", null))) {
                insertAndAwaitHandled(schema, handled, "switch-" + n++);
                assertThat(n).as("switch still not done").isLessThan(200);
            }
            assertThat(OperatorFixture.triggerBody(schema, TRIGGER)).isEmpty();
            insertAndAwaitHandled(schema, handled, "binlog-" + n);
            assertThat(OperatorFixture.rows(schema, "_queue_dead")).isZero();
            System.out.printf("binlog tenant on %s: %d jobs across two switches, all handled%n", db.name(),
                    handled.size());

            client.resources(QueueTenant.class).inNamespace(f.namespace).withName("t1").delete();
            await().atMost(WAIT).until(() -> f.get("t1") == null
                    && client.apps().deployments().inNamespace(f.namespace).withName(relay).get() == null);
        }
    }

    private void switchTo(OperatorFixture f, TenantWakeSpec.Source source) {
        client.resources(QueueTenant.class).inNamespace(f.namespace).withName("t1").edit(t -> {
            t.getSpec().getWake().setSource(source);
            return t;
        });
    }

    /**
     * Well under any sweep (60 minutes here): only a wake-up explains it. The worker's idle tail is 1 s, and the
     * previous job was handled before this one went in, so a poll left over from it could find this row only within
     * that second, which the pause below lets pass.
     */
    private static long insertAndAwaitHandled(TestSchema schema, List<Job> handled, String payload) throws Exception {
        // Pacing, not synchronisation: the row must go in after the previous job's 1 s idle tail, or a poll left over
        // from that job would find it and hide a missing wake-up.
        Thread.sleep(1_500);
        long inserted = System.nanoTime();
        try (Connection c = schema.root();
             PreparedStatement ps = c.prepareStatement("INSERT INTO `_queue` (payload) VALUES (?)")) {
            ps.setString(1, payload);
            ps.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                .until(() -> handled.stream().anyMatch(j -> j.payload().equals(payload)));
        return Duration.ofNanos(System.nanoTime() - inserted).toMillis();
    }
}
