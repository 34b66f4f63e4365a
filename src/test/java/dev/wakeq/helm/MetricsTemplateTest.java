package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** templates/service.yaml, templates/servicemonitor.yaml and templates/podmonitor.yaml. */
class MetricsTemplateTest {

    @Test
    void metricsServiceSelectsTheOperatorPods() {
        Chart.Rendered rendered = Chart.render();
        JsonNode service = rendered.one("Service");
        JsonNode port = service.path("spec").path("ports").get(0);
        JsonNode podLabels = rendered.deployment().path("spec").path("template").path("metadata").path("labels");

        assertThat(service.path("metadata").path("name").asText()).isEqualTo(Chart.FULLNAME + "-metrics");
        assertThat(port.path("name").asText()).isEqualTo("http-metrics");
        assertThat(port.path("port").asInt()).isEqualTo(8080);
        assertThat(port.path("targetPort").asText()).isEqualTo("http");
        assertThat(service.path("spec").path("selector").size()).isPositive();
        service.path("spec").path("selector").fields()
                .forEachRemaining(e -> assertThat(podLabels.path(e.getKey())).isEqualTo(e.getValue()));
        assertThat(rendered.ofKind("ServiceMonitor")).as("off by default").isEmpty();
    }

    @Test
    void metricsServicePort() {
        JsonNode port = Chart.render(Map.of("metrics", Map.of("service", Map.of("port", 9090))))
                .one("Service").path("spec").path("ports").get(0);

        assertThat(port.path("port").asInt()).isEqualTo(9090);
        assertThat(port.path("targetPort").asText()).isEqualTo("http");
    }

    @Test
    void serviceMonitorScrapesTheMetricsPort() {
        Chart.Rendered rendered = Chart.render(Map.of("metrics", Map.of("serviceMonitor", Map.of(
                "enabled", true, "interval", "15s", "scrapeTimeout", "10s", "labels", Map.of("release", "kube-prometheus-stack")))));
        JsonNode monitor = rendered.one("ServiceMonitor");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        JsonNode serviceLabels = rendered.one("Service").path("metadata").path("labels");

        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(endpoint.path("port").asText()).isEqualTo("http-metrics");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(endpoint.path("honorLabels").asBoolean()).as("the pools' namespace label survives").isTrue();
        assertThat(endpoint.path("interval").asText()).isEqualTo("15s");
        assertThat(endpoint.path("scrapeTimeout").asText()).isEqualTo("10s");
        monitor.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(serviceLabels.path(e.getKey())).isEqualTo(e.getValue()));
        assertThat(monitor.path("spec").path("namespaceSelector").path("matchNames").get(0).asText())
                .isEqualTo(Chart.NAMESPACE);
    }

    @Test
    void serviceMonitorDefaults() {
        JsonNode endpoint = Chart.render(Map.of("metrics", Map.of("serviceMonitor", Map.of("enabled", true))))
                .one("ServiceMonitor").path("spec").path("endpoints").get(0);

        assertThat(endpoint.path("interval").asText()).isEqualTo("30s");
        assertThat(endpoint.has("scrapeTimeout")).isFalse();
    }

    @Test
    void podMonitorSelectsTheWorkerPodsTheOperatorCreates() {
        Chart.Rendered rendered = Chart.render(Map.of("metrics", Map.of("podMonitor", Map.of(
                "enabled", true, "labels", Map.of("release", "kube-prometheus-stack")))));
        JsonNode monitor = rendered.one("PodMonitor");
        JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
        Map<String, String> workerPodLabels = new PoolNames("pool-a", "team-a").labels();

        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("name").asText()).isEqualTo(Chart.FULLNAME + "-workers");
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(monitor.path("spec").path("selector").path("matchLabels").size()).isPositive();
        monitor.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(workerPodLabels.get(e.getKey())).isEqualTo(e.getValue().asText()));
        assertThat(endpoint.path("port").asText()).isEqualTo(WorkerDeploymentDependent.METRICS_PORT_NAME);
        assertThat(endpoint.path("path").asText()).isEqualTo(WorkerDeploymentDependent.METRICS_PATH);
        assertThat(endpoint.path("interval").asText()).isEqualTo("30s");
        assertThat(endpoint.has("scrapeTimeout")).isFalse();
        assertThat(endpoint.path("relabelings").get(0).path("targetLabel").asText()).isEqualTo("pool");
        assertThat(monitor.path("spec").path("namespaceSelector").path("any").asBoolean())
                .as("workers live in every watched namespace; by default that is all of them").isTrue();
        assertThat(rendered.ofKind("ServiceMonitor")).as("independent of the operator's ServiceMonitor").isEmpty();
    }

    @Test
    void podMonitorLooksOnlyInTheWatchedNamespaces() {
        JsonNode selector = Chart.render(Map.of("watchNamespaces", List.of("team-a", "team-b"),
                        "metrics", Map.of("podMonitor", Map.of("enabled", true, "scrapeTimeout", "10s"))))
                .one("PodMonitor").path("spec");

        assertThat(selector.path("namespaceSelector").has("any")).isFalse();
        assertThat(selector.path("namespaceSelector").path("matchNames")).extracting(JsonNode::asText)
                .containsExactly("team-a", "team-b");
        assertThat(selector.path("podMetricsEndpoints").get(0).path("scrapeTimeout").asText()).isEqualTo("10s");
        assertThat(Chart.render().ofKind("PodMonitor")).as("off by default").isEmpty();
    }
}
