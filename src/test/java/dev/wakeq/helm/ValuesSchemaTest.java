package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json: wrong values fail at template time with a message that names the field. */
class ValuesSchemaTest {

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("wrong type", Map.of("replicaCount", "two"), "/replicaCount"),
                Arguments.of("below minimum", Map.of("replicaCount", -1), "/replicaCount"),
                Arguments.of("bad enum", Map.of("rbac", Map.of("scope", "everything")), "/rbac/scope"),
                Arguments.of("unknown top-level key", Map.of("replicaCoutn", 2), "replicaCoutn"),
                Arguments.of("unknown nested key", Map.of("image", Map.of("tagg", "1.0")), "tagg"),
                Arguments.of("bad pull policy", Map.of("image", Map.of("pullPolicy", "Sometimes")), "/image/pullPolicy"),
                Arguments.of("negative quantity string", Map.of("resources", Map.of("requests", Map.of("cpu", "-1"))),
                        "/resources/requests/cpu"),
                Arguments.of("negative quantity number", Map.of("resources", Map.of("limits", Map.of("memory", -5))),
                        "/resources/limits/memory"),
                Arguments.of("not a quantity", Map.of("resources", Map.of("requests", Map.of("memory", "lots"))),
                        "/resources/requests/memory"),
                Arguments.of("pull secret as a string", Map.of("imagePullSecrets", List.of("regcred")), "/imagePullSecrets/0"),
                Arguments.of("boolean as a string", Map.of("metrics", Map.of("serviceMonitor", Map.of("enabled", "yes"))),
                        "/metrics/serviceMonitor/enabled"),
                Arguments.of("bad interval", Map.of("metrics", Map.of("serviceMonitor", Map.of("interval", "often"))),
                        "/metrics/serviceMonitor/interval"),
                Arguments.of("port out of range", Map.of("metrics", Map.of("service", Map.of("port", 70000))),
                        "/metrics/service/port"),
                Arguments.of("namespaces as a string", Map.of("watchNamespaces", "team-a,team-b"), "/watchNamespaces"),
                Arguments.of("namespace not a DNS label", Map.of("watchNamespaces", List.of("Team_A")), "/watchNamespaces/0"),
                Arguments.of("node selector value not a string", Map.of("nodeSelector", Map.of("gpu", true)), "/nodeSelector/gpu"),
                Arguments.of("tolerations as an object", Map.of("tolerations", Map.of("key", "x")), "/tolerations"),
                Arguments.of("serviceAccount.create as a string", Map.of("serviceAccount", Map.of("create", "false")),
                        "/serviceAccount/create"),
                Arguments.of("dashboard namespace not a DNS label",
                        Map.of("grafana", Map.of("dashboard", Map.of("namespace", "Monitoring!"))), "/grafana/dashboard/namespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void rejected(String description, Map<String, Object> values, String field) {
        assertThatThrownBy(() -> Chart.render(values))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(field);
    }

    @Test
    void acceptedQuantitiesAndOptionalFields() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "resources", Map.of(
                        "requests", Map.of("cpu", "0.5", "memory", "1e9"),
                        "limits", Map.of("cpu", 1, "memory", "2Gi")),
                "metrics", Map.of("serviceMonitor", Map.of("scrapeTimeout", "")),
                "grafana", Map.of("dashboard", Map.of("namespace", "")),
                "replicaCount", 0));

        assertThat(rendered.deployment().path("spec").path("replicas").asInt()).isZero();
        assertThat(rendered.container().path("resources").path("requests").path("cpu").asText()).isEqualTo("0.5");
    }

    /** A parent chart's global values must not trip additionalProperties: false. */
    @Test
    void globalValuesFromAParentChartAreAllowed() {
        assertThat(Chart.render(Map.of("global", Map.of("imageRegistry", "mirror.example"))).kinds()).contains("Deployment");
    }
}
