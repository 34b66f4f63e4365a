package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.install.Fixtures;
import dev.wakeq.operator.crd.ReplicaEndpoint;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the operator checks the replicas a QueueTenant lists (read only), so a server that would crash or stay
 * silent after a failover is reported before it. The tenant lives on MariaDB; the test bed's MySQL 8 server, with a
 * schema of the same name, stands in for its replica (the check is per server; no replication is needed to show it):
 * the function not listed there, then listed and loaded, then listed but its library missing at a restart.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class ReplicaFunctionNotLoadedOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Test
    void aReplicaWithoutTheLoadedFunctionIsReported() throws Exception {
        DbServer primary = TestDatabases.mariadb();
        DbServer replica = TestDatabases.mysql8();
        String version = "nlrep1";
        Fixtures.library(primary, version);
        OperatorFixture f = new OperatorFixture(client, "replica");
        TestSchema schema = OperatorFixture.queueSchema(primary, "nlrep");
        Fixtures.root(replica, "CREATE DATABASE IF NOT EXISTS `" + schema.name() + "`");
        f.pool("pool", "127.0.0.1", 9);
        f.credentials("db", DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD);
        ReplicaEndpoint endpoint = new ReplicaEndpoint();
        endpoint.setHost(replica.host());
        endpoint.setPort(replica.port());
        f.tenant("t1", "pool", primary, schema.name(), "db", null, spec -> {
            spec.getFunction().setVersion(version);
            spec.getDatabase().setReplicas(List.of(endpoint));
        });
        String where = replica.host() + ":" + replica.port();

        await().atMost(WAIT).until(() -> f.conditionIs("t1", "ReplicasReady", "False", "UdfLibraryMissing"));
        assertThat(f.condition("t1", "ReplicasReady").orElseThrow().getMessage()).startsWith(where)
                .contains("does not list function wakeq_notify_" + version);
        assertThat(f.conditionIs("t1", "Ready", "True", null)).as("the current server works").isTrue();

        Fixtures.library(replica, version);
        String create = "CREATE FUNCTION wakeq_notify_" + version + " RETURNS INTEGER SONAME 'libwakeq_notify_"
                + version + ".so'";
        Fixtures.root(replica, create);
        await().atMost(WAIT).until(() -> f.conditionIs("t1", "ReplicasReady", "True", "FunctionLoaded"));

        long pid;
        try {
            Fixtures.deleteLibraryByHand(replica, version);
            replica.restart();
            pid = replica.pid();
            await().atMost(WAIT).until(() -> f.conditionIs("t1", "ReplicasReady", "False", "FunctionNotLoaded"));
            assertThat(f.condition("t1", "ReplicasReady").orElseThrow().getMessage()).startsWith(where)
                    .contains("libwakeq_notify_" + version + ".so was missing");
            assertThat(replica.pid()).as("the check never calls the function").isEqualTo(pid);
        } finally {
            Fixtures.library(replica, version);
            Fixtures.root(replica, "DROP FUNCTION IF EXISTS wakeq_notify_" + version);
        }
    }
}
