package dev.wakeq.testbed.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The whole Quarkus app, operator SDK included, starts against the real kube-apiserver. */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class QuarkusBootsAgainstRealApiServerTest {

    @Inject
    KubernetesClient client;

    @Test
    void injectedClientTalksToTheRealServer() {
        KubeApiServers.RunningKubeApiServer server = KubeApiServers.shared();
        assertThat(URI.create(client.getMasterUrl().toString()).getPort()).isEqualTo(URI.create(server.url()).getPort());
        assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v" + KubeApiServers.VERSION);

        String ns = "quarkus-boot-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        try (KubernetesClient other = server.newClient()) {
            client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("hello").endMetadata().addToData("from", "quarkus").build()).create();
            assertThat(other.configMaps().inNamespace(ns).withName("hello").get().getData())
                    .containsEntry("from", "quarkus");
        } finally {
            client.configMaps().inNamespace(ns).delete();
            client.namespaces().withName(ns).delete();
        }
    }
}
