package dev.wakeq.operator.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.relay.RelayFileParser;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelaySetup;
import dev.wakeq.relay.RelayTenant;
import dev.wakeq.testbed.kube.KubeApiServers;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay registry's Secret and Deployment against the real API server (no Quarkus, no operator). */
@RequiresKubeApiServer
class RelayRegistryOnRealApiServerTest {

    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        client = KubeApiServers.shared().newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void membersJoinAndLeaveAndAnOperatorRestartForgetsNone() throws Exception {
        String ns = "relay-reg-" + UUID.randomUUID().toString().substring(0, 6);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        RelayNames names = new RelayNames(ns, "db.example", 3306, "relay-db");
        RelayServer server = new RelayServer("db.example", 3306, "wakeq_relay", "pw-1");
        RelayRegistry registry = new RelayRegistry();
        registry.join(client, names, server, member("a"));
        registry.join(client, names, server, member("b"));
        assertThat(tenants(names)).containsExactly("ns/a", "ns/b");
        assertThat(client.apps().deployments().inNamespace(ns).withName(names.name()).get().getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()).isEqualTo("img:1");
        String version = client.apps().deployments().inNamespace(ns).withName(names.name()).get().getMetadata()
                .getResourceVersion();
        // A join that changes nothing writes nothing.
        registry.join(client, names, server, member("a"));
        assertThat(client.apps().deployments().inNamespace(ns).withName(names.name()).get().getMetadata()
                .getResourceVersion()).isEqualTo(version);

        // A new operator (empty memory) reads the membership back from the Secret before its first change.
        RelayRegistry successor = new RelayRegistry();
        assertThat(successor.listed(client, ns, "ns/a")).isTrue();
        successor.leave(client, ns, "ns/a");
        assertThat(tenants(names)).containsExactly("ns/b");
        // Rotated credentials reach the file.
        successor.join(client, names, new RelayServer("db.example", 3306, "wakeq_relay", "pw-2"), member("b"));
        assertThat(setup(names).server().password()).isEqualTo("pw-2");

        successor.leave(client, ns, "ns/b");
        assertThat(client.apps().deployments().inNamespace(ns).withName(names.name()).get()).isNull();
        assertThat(client.secrets().inNamespace(ns).withName(names.name()).get()).isNull();
        assertThat(successor.listed(client, ns, "ns/b")).isFalse();
    }

    private static RelayRegistry.Member member(String name) {
        return new RelayRegistry.Member(new RelayTenant("key-" + name, "ns/" + name, "s_" + name, "_queue",
                "10.0.0.7", 8686), "img:1", 300);
    }

    private static java.util.List<String> tenants(RelayNames names) throws Exception {
        return setup(names).tenants().stream().map(RelayTenant::name).toList();
    }

    private static RelaySetup setup(RelayNames names) throws Exception {
        Secret s = client.secrets().inNamespace(names.namespace()).withName(names.name()).get();
        return RelayFileParser.parse(Base64.getDecoder().decode(s.getData().get(RelayNames.RELAY_FILE)));
    }
}
