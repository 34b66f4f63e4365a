package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.LintResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The chart as a whole: lint, metadata, the kinds it renders by default, NOTES.txt. */
class ChartLintTest {

    @Test
    void lintStrictPasses() {
        LintResult result = Chart.helm().lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void chartMetadata() throws IOException {
        JsonNode chart = new YAMLMapper().readTree(Chart.path().resolve("Chart.yaml").toFile());

        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("name").asText()).isEqualTo("wakeq");
        assertThat(chart.path("version").asText()).isEqualTo("0.1.0");
        assertThat(chart.path("appVersion").isTextual()).as("appVersion is a quoted string").isTrue();
        assertThat(chart.path("appVersion").asText()).isEqualTo("0.1.0");
        // The chart pulls ghcr.io/wakeq/wakeq:<appVersion>; scripts/images.sh tags the image with the Maven version.
        assertThat(chart.path("appVersion").asText()).isEqualTo(System.getProperty("wakeq.project.version"));
        assertThat(chart.path("kubeVersion").asText()).isEqualTo(">=1.20.0-0");
        assertThat(chart.path("description").asText()).isNotBlank();
    }

    @Test
    void defaultValuesRenderTheOperatorAndItsRbac() {
        Chart.Rendered rendered = Chart.render();

        assertThat(rendered.kinds()).containsExactlyInAnyOrder(
                "ServiceAccount",
                "ClusterRole", "ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding",
                "Role", "RoleBinding",
                "Service", "Deployment");
        assertThat(rendered.objects())
                .allSatisfy(o -> assertThat(o.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText())
                        .isEqualTo("Helm"))
                .allSatisfy(o -> assertThat(o.path("metadata").path("labels").path("app.kubernetes.io/instance").asText())
                        .isEqualTo(Chart.RELEASE))
                .allSatisfy(o -> assertThat(o.path("metadata").path("labels").path("helm.sh/chart").asText())
                        .isEqualTo("wakeq-0.1.0"));
    }

    @Test
    void nameOverrides() {
        assertThat(Chart.render(Map.of("nameOverride", "queue")).deployment().path("metadata").path("name").asText())
                .isEqualTo("demo-queue");
        Chart.Rendered full = Chart.render(Map.of("fullnameOverride", "wq"));
        assertThat(full.deployment().path("metadata").path("name").asText()).isEqualTo("wq");
        assertThat(full.one("Service").path("metadata").path("name").asText()).isEqualTo("wq-metrics");
    }

    /** Helm installs every file in crds/ as a CRD: only CRD manifests may ever live there. */
    @Test
    void crdsFolderHoldsOnlyCrdManifests() throws IOException {
        Path crds = Chart.path().resolve("crds");
        if (!Files.isDirectory(crds)) {
            return; // the build copies the generated CRDs here; before that, no folder at all
        }
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(crds)) {
            List<Path> all = files.toList();
            assertThat(all).allSatisfy(f -> {
                assertThat(f.getFileName().toString()).matches(".*\\.ya?ml");
                assertThat(yaml.readTree(f.toFile()).path("kind").asText()).as("%s", f)
                        .isEqualTo("CustomResourceDefinition");
            });
        }
    }

    @Test
    void notesGiveTheNextSteps() {
        String notes = Chart.notes(Map.of());

        assertThat(notes)
                .contains("kubectl -n NS create secret generic")
                .contains("kubectl -n NS get queuetenants,workerpools")
                .contains("kubectl -n NS describe queuetenant NAME")
                .contains("rollout status deployment/" + Chart.FULLNAME)
                .contains("It watches all namespaces (rbac.scope=cluster)");
        assertThat(Chart.notes(Map.of("rbac", Map.of("scope", "namespace"))))
                .contains("It watches namespace(s): " + Chart.NAMESPACE + " (rbac.scope=namespace)");
    }
}
