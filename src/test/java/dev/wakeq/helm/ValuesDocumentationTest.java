package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** values.yaml, values.schema.json and docs/helm.md describe the same keys, each with a comment. */
class ValuesDocumentationTest {

    private static final Pattern KEY_LINE = Pattern.compile("^(\\s*)([A-Za-z][A-Za-z0-9_.-]*):.*$");

    @Test
    void everyKeyInValuesYamlHasACommentAbove() throws IOException {
        List<String> lines = Files.readAllLines(Chart.path().resolve("values.yaml"));
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (KEY_LINE.matcher(lines.get(i)).matches() && (i == 0 || !lines.get(i - 1).trim().startsWith("#"))) {
                uncommented.add((i + 1) + ": " + lines.get(i));
            }
        }
        assertThat(uncommented).isEmpty();
    }

    @Test
    void schemaDescribesEveryKeyOfValuesYaml() throws IOException {
        JsonNode values = new YAMLMapper().readTree(Chart.path().resolve("values.yaml").toFile());
        JsonNode schema = new ObjectMapper().readTree(Chart.path().resolve("values.schema.json").toFile());

        List<String> missing = new ArrayList<>();
        for (String key : leafKeys(values, "")) {
            JsonNode node = schema;
            for (String part : key.split("\\.")) {
                if (!node.has("properties") && (node.has("$ref") || node.has("additionalProperties"))) {
                    break; // a typed map (e.g. resources.requests): its keys are free
                }
                node = node.path("properties").path(part);
            }
            if (node.isMissingNode() || (node.path("description").asText().isBlank() && !node.has("$ref"))) {
                missing.add(key);
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void docsTableListsEveryKeyOfValuesYaml() throws IOException {
        JsonNode values = new YAMLMapper().readTree(Chart.path().resolve("values.yaml").toFile());
        String docs = Files.readString(Path.of(System.getProperty("wakeq.project.dir", "."), "docs", "helm.md"));

        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(docs);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(documented).containsAll(leafKeys(values, ""));
    }

    /** Dotted paths of the leaves of values.yaml; an empty map or any list is a leaf. */
    private static List<String> leafKeys(JsonNode node, String prefix) {
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            if (field.getValue().isObject() && !field.getValue().isEmpty()) {
                keys.addAll(leafKeys(field.getValue(), key + "."));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }
}
