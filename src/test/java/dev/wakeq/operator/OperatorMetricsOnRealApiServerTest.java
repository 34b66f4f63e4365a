package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator's /q/metrics, as Prometheus scrapes it, after a real reconcile: JOSDK's controller meters and
 * wakeq's own {@code wakeq_operator_*} meters are both there, without a tenant name in any series.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class OperatorMetricsOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void reconcilingATenantShowsInJosdkAndWakeqMeters() throws Exception {
        OperatorFixture f = new OperatorFixture(client, "metrics");
        f.readyTenant(TestDatabases.mariadb(), "op_metrics", "metered-tenant", 18690, WAIT);

        // The pool gauges follow the informer cache, refreshed on reconcile and every 15 s.
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
                .containsPattern("reconciliations_started_total\\{[^}]*controller_name=\"queuetenant\"[^}]*} [1-9]")
                .containsPattern("reconciliations_success_total\\{[^}]*controller_name=\"workerpool\"")
                .containsPattern("events_received_total\\{")
                .containsPattern("wakeq_operator_tenants\\{condition=\"Ready\",status=\"True\",?} [1-9]")
                .containsPattern("wakeq_operator_installs_total\\{result=\"ok\",?} [1-9]")
                .containsPattern("wakeq_operator_install_statements_count [1-9]")
                .contains("wakeq_operator_pool_replicas{namespace=\"" + f.namespace
                        + "\",pool=\"pool\",state=\"desired\"} 1.0"));
        assertThat(scrape()).as("no tenant names in series").doesNotContain("metered-tenant");
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
