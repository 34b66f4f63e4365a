package dev.wakeq.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wakeq.operator.crd.CredentialsReference;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.kube.Crds;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/ as a user applies it: every object is accepted by a real API server with wakeq's CRDs, nothing in it
 * is silently dropped (1.20 prunes unknown fields instead of rejecting them, so a misspelt field would vanish),
 * and the objects agree with each other and with the images the Helm chart installs.
 */
@RequiresKubeApiServer
class ExamplesOnRealApiServerTest {

    private static final Path ROOT = Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath();

    private static KubernetesClient client;
    private static final List<HasMetadata> examples = new ArrayList<>();

    @BeforeAll
    static void loadExamplesAndCrds() throws IOException {
        client = KubeApiServers.shared().newClient();
        for (Path file : yamlFiles(ROOT.resolve("crds"))) {
            try (InputStream in = Files.newInputStream(file)) {
                Crds.applyAndAwaitEstablished(client,
                        client.apiextensions().v1().customResourceDefinitions().load(in).item(), Crds.DEFAULT_TIMEOUT);
            }
        }
        for (Path file : yamlFiles(ROOT.resolve("examples"))) {
            try (InputStream in = Files.newInputStream(file)) {
                examples.addAll(client.load(in).items());
            }
        }
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void theApiServerAcceptsEveryExampleAndDropsNothing() {
        List<String> kinds = new ArrayList<>();
        for (HasMetadata example : examples) {
            kinds.add(example.getKind());
            if (example instanceof Namespace) {
                // Namespaced objects are validated only in an existing namespace, even in a dry run.
                if (client.namespaces().withName(example.getMetadata().getName()).get() == null) {
                    client.resource(example).create();
                }
                continue;
            }
            HasMetadata accepted = client.resource(example).dryRun().create();
            assertKept(example, accepted);
        }
        assertThat(kinds).contains("Namespace", "Secret", "Deployment", "WorkerPool", "QueueTenant");
    }

    @Test
    void tenantsNameTheExamplePoolAndSecretsThatHoldTheirKeys() {
        List<QueueTenant> tenants = all(QueueTenant.class);
        List<String> pools = all(WorkerPool.class).stream().map(p -> p.getMetadata().getName()).toList();
        assertThat(tenants).hasSize(2);
        for (QueueTenant t : tenants) {
            assertThat(pools).as("pool of %s", t.getMetadata().getName()).contains(t.getSpec().getPool().getName());
            for (CredentialsReference ref : List.of(t.getSpec().getDatabase().getCredentials(),
                    t.getSpec().getDatabase().getWorkerCredentials())) {
                Secret secret = secret(ref.getSecretName());
                assertThat(secret.getStringData()).containsKeys(ref.getUsernameKey(), ref.getPasswordKey());
            }
        }
    }

    @Test
    void theExampleDatabaseHasTheTenantsSchemasAndAccounts() {
        String initSql = all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals("mysql-init"))
                .findFirst().orElseThrow().getData().values().iterator().next();
        for (QueueTenant t : all(QueueTenant.class)) {
            assertThat(t.getSpec().getDatabase().getHost()).isEqualTo("mysql." + t.getMetadata().getNamespace() + ".svc");
            assertThat(initSql).contains("CREATE DATABASE " + t.getSpec().getDatabase().getSchema() + ";");
            for (CredentialsReference ref : List.of(t.getSpec().getDatabase().getCredentials(),
                    t.getSpec().getDatabase().getWorkerCredentials())) {
                Map<String, String> account = secret(ref.getSecretName()).getStringData();
                assertThat(initSql).contains("CREATE USER '" + account.get(ref.getUsernameKey())
                        + "'@'%' IDENTIFIED BY '" + account.get(ref.getPasswordKey()) + "';");
            }
        }
    }

    @Test
    void imagesAreTheOnesTheChartInstalls() {
        // The chart's defaults: image.repository with its appVersion (the Maven version), udf.image with v<n>.
        String version = System.getProperty("wakeq.project.version");
        assertThat(all(WorkerPool.class)).allSatisfy(p -> assertThat(p.getSpec().getImage())
                .isEqualTo("ghcr.io/wakeq/wakeq:" + version));
        Deployment mysql = all(Deployment.class).get(0);
        assertThat(mysql.getSpec().getTemplate().getSpec().getInitContainers())
                .anySatisfy(c -> assertThat(c.getImage()).isEqualTo("ghcr.io/wakeq/wakeq-udf:" + TestDatabases.udfVersion()));
    }

    private static <T> List<T> all(Class<T> type) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        return examples.stream()
                .filter(e -> e.getKind().equals(type.getSimpleName()))
                .map(e -> json.convertValue(e, type))
                .toList();
    }

    private static Secret secret(String name) {
        return all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Secret " + name + " in examples/"));
    }

    /** Every field of the example (outside metadata) is in what the server accepted. */
    private static void assertKept(HasMetadata example, HasMetadata accepted) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        JsonNode sent = json.convertValue(example, JsonNode.class);
        JsonNode kept = json.convertValue(accepted, JsonNode.class);
        String what = example.getKind() + " " + example.getMetadata().getName();
        for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("metadata")) {
                continue;
            }
            if (example instanceof Secret && field.getKey().equals("stringData")) {
                // The server stores stringData as data.
                field.getValue().fieldNames().forEachRemaining(key ->
                        assertThat(kept.path("data").has(key)).as("%s: data.%s", what, key).isTrue());
                continue;
            }
            assertSubtree(what, field.getKey(), field.getValue(), kept.path(field.getKey()));
        }
    }

    private static void assertSubtree(String what, String path, JsonNode sent, JsonNode kept) {
        assertThat(kept.isMissingNode()).as("%s: %s was dropped by the API server", what, path).isFalse();
        if (sent.isObject()) {
            sent.fields().forEachRemaining(f -> assertSubtree(what, path + "." + f.getKey(), f.getValue(),
                    kept.path(f.getKey())));
        } else if (sent.isArray()) {
            for (int i = 0; i < sent.size(); i++) {
                assertSubtree(what, path + "[" + i + "]", sent.get(i), kept.path(i));
            }
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
