package dev.wakeq.testbed.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real API server with wakeq's committed CRDs applied and Established before Quarkus starts the operator:
 * QOSDK's own CRD apply does not wait, and an informer started on a CRD that is not served yet fails.
 */
public class OperatorTestResource extends KubeApiServerTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        Path crds = Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath().resolve("crds");
        try (KubernetesClient client = KubeApiServers.shared().newClient();
             Stream<Path> files = Files.list(crds)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                    Crds.applyAndAwaitEstablished(client, crd, Crds.DEFAULT_TIMEOUT);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot apply the CRDs in " + crds, e);
        }
        return config;
    }

    static List<String> crdNames() {
        return List.of("queuetenants.wakeq.dev", "workerpools.wakeq.dev");
    }
}
