package dev.wakeq.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chart under test, rendered in-process with helm-java (no cluster, no network). Values are passed
 * as a values file written from a map, so types reach Helm exactly as given (a {@code --set} would turn
 * everything into strings or guess).
 */
final class Chart {

    static final String RELEASE = "demo";
    static final String NAMESPACE = "wakeq-system";
    /** The release's fullname: {@code <release>-<chart>}. */
    static final String FULLNAME = "demo-wakeq";

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    /** {@code helm/wakeq} in the project, found from Maven's basedir or the working directory. */
    static Path path() {
        String projectDir = System.getProperty("wakeq.project.dir", ".");
        Path chart = Path.of(projectDir, "helm", "wakeq").toAbsolutePath().normalize();
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No chart at " + chart);
        }
        return chart;
    }

    static Helm helm() {
        return new Helm(path());
    }

    /** Renders the chart with the default values. */
    static Rendered render() {
        return render(Map.of());
    }

    /** Renders the chart with {@code values} over the defaults; Helm's errors come out as IllegalStateException. */
    static Rendered render(Map<String, ?> values) {
        TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
        Path file = values.isEmpty() ? null : valuesFile(values);
        if (file != null) {
            template.withValuesFile(file);
        }
        try {
            return Rendered.parse(template.call());
        } finally {
            deleteQuietly(file);
        }
    }

    /** The NOTES.txt a client-only dry-run install prints. */
    static String notes(Map<String, ?> values) {
        var install = helm().install().withName(RELEASE).withNamespace(NAMESPACE)
                .clientOnly().withDryRunOption(DryRun.CLIENT);
        Path file = values.isEmpty() ? null : valuesFile(values);
        if (file != null) {
            install.withValuesFile(file);
        }
        try {
            return install.call().getOutput();
        } finally {
            deleteQuietly(file);
        }
    }

    private static Path valuesFile(Map<String, ?> values) {
        try {
            // Deleted right after use: deleteOnExit left hundreds of files in /tmp across runs.
            Path file = Files.createTempFile("wakeq-values-", ".yaml");
            YAML.writeValue(file.toFile(), values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A leftover temp file is not worth failing a chart test for.
            }
        }
    }

    /** The objects of one rendering, in Helm's output order. */
    record Rendered(String text, List<JsonNode> objects) {

        static Rendered parse(String manifests) {
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests)) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && !document.isNull() && !document.isEmpty()) {
                        objects.add(document);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Helm rendered YAML that does not parse:\n" + manifests, e);
            }
            return new Rendered(manifests, List.copyOf(objects));
        }

        List<String> kinds() {
            return objects.stream().map(o -> o.path("kind").asText()).toList();
        }

        List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        /** The only object of {@code kind}; fails when there is none or several. */
        JsonNode one(String kind) {
            List<JsonNode> found = ofKind(kind);
            if (found.size() != 1) {
                throw new AssertionError("Expected one " + kind + " but found " + found.size() + " in " + kinds());
            }
            return found.get(0);
        }

        JsonNode get(String kind, String name) {
            return ofKind(kind).stream()
                    .filter(o -> name.equals(o.path("metadata").path("name").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("No " + kind + " named " + name + " in " + kinds()));
        }

        JsonNode deployment() {
            return one("Deployment");
        }

        JsonNode podSpec() {
            return deployment().path("spec").path("template").path("spec");
        }

        JsonNode container() {
            return podSpec().path("containers").get(0);
        }

        /** Value of a plain (value:) environment variable of the operator container, or null. */
        String env(String name) {
            for (JsonNode env : container().path("env")) {
                if (name.equals(env.path("name").asText())) {
                    return env.path("value").isMissingNode() ? null : env.path("value").asText();
                }
            }
            return null;
        }
    }
}
