package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.install.Fixtures;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.FakeKubelet;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 through the operator: a tenant's database server restarts with the tenant's function library missing.
 * The server stays up (same process id) while inserts go on and the sweep event fires; the tenant shows
 * {@code FunctionInstalled=False, FunctionNotLoaded}; its jobs are still handled, by the operator's stand-in sweeps
 * (the tenant's own sweep is 60 minutes here); with the library back the tenant is Ready again and an insert wakes
 * the worker at once.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class FunctionNotLoadedOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger VERSIONS = new AtomicInteger();

    @Inject
    KubernetesClient client;

    @Test
    void aMissingLibraryAtRestartIsReportedAndJobsStillRunOnMariaDb() throws Exception {
        missingLibraryAtRestart(TestDatabases.mariadb(), "127.0.0.41");
    }

    @Test
    void aMissingLibraryAtRestartIsReportedAndJobsStillRunOnMySql8() throws Exception {
        missingLibraryAtRestart(TestDatabases.mysql8(), "127.0.0.42");
    }

    private void missingLibraryAtRestart(DbServer db, String podAddress) throws Exception {
        String version = "nlop" + VERSIONS.incrementAndGet();
        Fixtures.library(db, version);
        OperatorFixture f = new OperatorFixture(client, "notloaded");
        TestSchema schema = OperatorFixture.queueSchema(db, "nlop");
        InetAddress address = InetAddress.getByName(podAddress);
        try (FakeKubelet kubelet = new FakeKubelet(client, f.namespace, address, UnaryOperator.identity()).start()) {
            f.pool("pool", podAddress, OperatorFixture.freeWakePort(address));
            f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
            f.tenant("t1", "pool", db, schema.name(), "db", null, spec -> spec.getFunction().setVersion(version));
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null));
            await().atMost(WAIT).until(() -> kubelet.serves(f.namespace + "/t1"));
            insertAndAwaitHandled(schema, 1, Duration.ofSeconds(10));

            Fixtures.deleteLibraryByHand(db, version);
            db.restart();
            long pid = db.pid();
            long restarted = System.nanoTime();
            // Inserts right away, before the operator has looked: the trigger must not call the function.
            insert(schema, 5);
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "FunctionInstalled", "False", "FunctionNotLoaded"));
            System.out.printf("function not loaded on %s: condition set %d ms after the restart%n", db.name(),
                    Duration.ofNanos(System.nanoTime() - restarted).toMillis());
            assertThat(f.conditionIs("t1", "Ready", "False", null)).isTrue();
            // Handled without the trigger's wake-up and with the tenant's own sweep 60 minutes away.
            insertAndAwaitHandled(schema, 5, WAIT);
            assertThat(db.pid()).as("no crash").isEqualTo(pid);

            Fixtures.library(db, version);
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "Ready", "True", null));
            assertThat(f.conditionIs("t1", "FunctionInstalled", "True", null)).isTrue();
            long back = System.nanoTime();
            insertAndAwaitHandled(schema, 1, Duration.ofSeconds(10));
            System.out.printf("function not loaded on %s: back, an insert handled %d ms after it%n", db.name(),
                    Duration.ofNanos(System.nanoTime() - back).toMillis());
            assertThat(db.pid()).as("no crash at all").isEqualTo(pid);
        }
    }

    private static void insert(TestSchema schema, int rows) throws Exception {
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('nl')");
            }
        }
    }

    private static void insertAndAwaitHandled(TestSchema schema, int rows, Duration within) throws Exception {
        insert(schema, rows);
        await().atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> OperatorFixture.rows(schema, "_queue") == 0);
    }
}
