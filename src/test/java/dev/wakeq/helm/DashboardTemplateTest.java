package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.wakeq.operator.metrics.OperatorMetrics;
import dev.wakeq.worker.WorkerMetrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** templates/dashboard-configmap.yaml and dashboards/wakeq.json. */
class DashboardTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void offByDefault() {
        assertThat(Chart.render().ofKind("ConfigMap")).isEmpty();
    }

    @Test
    void configMapForTheGrafanaSidecar() throws IOException {
        JsonNode configMap = Chart.render(Map.of("grafana", Map.of("dashboard", Map.of("enabled", true)))).one("ConfigMap");

        assertThat(configMap.path("metadata").path("name").asText()).isEqualTo(Chart.FULLNAME + "-dashboard");
        assertThat(configMap.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        String embedded = configMap.path("data").path("wakeq.json").asText();
        String file = Files.readString(Chart.path().resolve("dashboards/wakeq.json"));
        assertThat(JSON.readTree(embedded)).isEqualTo(JSON.readTree(file));
    }

    @Test
    void namespaceLabelsAndAnnotations() {
        JsonNode metadata = Chart.render(Map.of("grafana", Map.of("dashboard", Map.of(
                        "enabled", true,
                        "namespace", "monitoring",
                        "labels", Map.of("team", "platform", "grafana_dashboard", "0"),
                        "annotations", Map.of("grafana_folder", "wakeq")))))
                .one("ConfigMap").path("metadata");

        assertThat(metadata.path("namespace").asText()).isEqualTo("monitoring");
        assertThat(metadata.path("labels").path("team").asText()).isEqualTo("platform");
        assertThat(metadata.path("labels").path("grafana_dashboard").asText()).as("the sidecar label wins").isEqualTo("1");
        assertThat(metadata.path("annotations").path("grafana_folder").asText()).isEqualTo("wakeq");
    }

    @Test
    void panelsCoverTheWakeqMetrics() throws Exception {
        JsonNode dashboard = JSON.readTree(Chart.path().resolve("dashboards/wakeq.json").toFile());
        List<String> expressions = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            ids.add(panel.path("id").asInt());
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }

        assertThat(new HashSet<>(ids)).as("unique panel ids").hasSameSizeAs(ids);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(String.join("\n", expressions))
                .contains("sum by (kind) (rate(wakeq_wakes_received_total")
                .contains("sum by (reason) (rate(wakeq_wakes_dropped_total")
                .contains("increase(wakeq_polls_total")
                .contains("histogram_quantile(0.5, sum by (le) (rate(wakeq_wake_to_claim_seconds_bucket")
                .contains("histogram_quantile(0.99, sum by (le) (rate(wakeq_wake_to_claim_seconds_bucket")
                .contains("wakeq_jobs_claimed_total")
                .contains("wakeq_jobs_done_total")
                .contains("wakeq_jobs_failed_total")
                .contains("wakeq_jobs_dead_lettered_total")
                .contains("wakeq_pollers_active")
                .contains("kube_deployment_status_replicas")
                .contains("wakeq_operator_pool_replicas")
                .contains("wakeq_operator_tenants")
                .contains("reconciliations_started_total");
        Set<String> exported = exportedNames(WorkerMetrics.class, OperatorMetrics.class, MicrometerMetricsV2.class);
        Matcher names = Pattern.compile("\\b(?:wakeq|reconciliations)_[a-z_]+").matcher(String.join("\n", expressions));
        while (names.find()) {
            assertThat(exported).as("a meter named in the dashboard exists").contains(names.group());
        }
        // Every query goes to the dashboard's data source variable, not a fixed data source.
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                        .isEqualTo("${datasource}");
            }
        }
    }

    /**
     * The Prometheus names the meters defined as constants in these classes can have: dots become underscores,
     * counters get {@code _total}, timers {@code _seconds} and histograms {@code _bucket}, {@code _count},
     * {@code _sum}.
     */
    private static Set<String> exportedNames(Class<?>... definitions) throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Class<?> definition : definitions) {
            for (Field field : definition.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    String base = ((String) field.get(null)).replace('.', '_');
                    for (String suffix : List.of("", "_total", "_seconds", "_seconds_bucket", "_seconds_count",
                            "_seconds_sum", "_bucket", "_count", "_sum")) {
                        names.add(base + suffix);
                    }
                }
            }
        }
        return names;
    }
}
