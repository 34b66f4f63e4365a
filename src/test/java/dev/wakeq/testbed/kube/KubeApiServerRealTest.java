package dev.wakeq.testbed.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs against the real kube-apiserver 1.20.2 (not a mock): the behaviours the operator relies on and that the
 * Fabric8 mock server gets wrong (server-side apply, {@code in} selectors, status subresource, /scale).
 */
@RequiresKubeApiServer
class KubeApiServerRealTest {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final String WIDGET_API = "testbed.wakeq.dev/v1";

    private static KubernetesClient client;
    private static String ns;

    @BeforeAll
    static void createNamespace() {
        client = KubeApiServers.shared().newClient();
        ns = "kube-real-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
    }

    @AfterAll
    static void cleanUp() {
        if (client == null) {
            return;
        }
        // No kube-controller-manager runs, so a deleted namespace is never emptied and stays Terminating:
        // delete its content explicitly first.
        client.configMaps().inNamespace(ns).delete();
        client.apps().deployments().inNamespace(ns).delete();
        if (client.apiextensions().v1().customResourceDefinitions().withName("widgets.testbed.wakeq.dev").get() != null) {
            widgets().delete();
        }
        client.namespaces().withName(ns).delete();
        client.close();
    }

    @Test
    void servesTheVersionTheScriptBuilt() {
        assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v" + KubeApiServers.VERSION);
        assertThat(client.namespaces().withName(ns).get().getStatus().getPhase()).isEqualTo("Active");
    }

    @Test
    void configMapCrud() {
        Resource<ConfigMap> cm = client.configMaps().inNamespace(ns).resource(configMap("crud", Map.of(), "v", "1"));
        ConfigMap created = cm.create();
        assertThatThrownBy(cm::create).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(409));

        ConfigMap edited = client.configMaps().inNamespace(ns).withName("crud")
                .edit(c -> new ConfigMapBuilder(c).addToData("v", "2").build());
        assertThat(edited.getData()).containsEntry("v", "2");
        assertThat(edited.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());

        assertThat(client.configMaps().inNamespace(ns).withName("crud").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace(ns).withName("crud").get()).isNull();
    }

    @Test
    void labelSelectorInAndNotIn() {
        for (String tier : List.of("a", "b", "c")) {
            client.configMaps().inNamespace(ns)
                    .resource(configMap("tier-" + tier, Map.of("suite", "selector", "tier", tier), "v", tier)).create();
        }
        var selected = client.configMaps().inNamespace(ns).withLabel("suite", "selector");

        assertThat(names(selected.withLabelIn("tier", "a", "b").list().getItems())).containsExactly("tier-a", "tier-b");
        assertThat(names(selected.withLabelNotIn("tier", "a").list().getItems())).containsExactly("tier-b", "tier-c");
    }

    @Test
    void serverSideApplyTracksOwnersAndConflicts() {
        ConfigMap byAlice = client.configMaps().inNamespace(ns).resource(configMap("ssa", Map.of(), "owner", "alice"))
                .fieldManager("alice").serverSideApply();
        assertThat(byAlice.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getOperation).contains(org.assertj.core.groups.Tuple.tuple("alice", "Apply"));

        var bobsApply = client.configMaps().inNamespace(ns).resource(configMap("ssa", Map.of(), "owner", "bob"));
        assertThatThrownBy(() -> bobsApply.fieldManager("bob").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        ConfigMap forced = bobsApply.fieldManager("bob").forceConflicts().serverSideApply();
        assertThat(forced.getData()).containsEntry("owner", "bob");
    }

    @Test
    void customResourceWithStatusSubresource() {
        Crds.applyAndAwaitEstablished(client, "kube-test-crd.yaml");

        // With the status subresource, a create ignores status and status writes leave generation alone.
        GenericKubernetesResource created = widgets().resource(widget("w1", Map.of("size", 2),
                Map.of("phase", "Sneaky"))).create();
        assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

        // Fabric8 has no serverSideApply() on a subresource; this is how JOSDK applies status.
        widgets().resource(widget("w1", null, Map.of("phase", "Ready", "observedGeneration", 1)))
                .subresource("status").patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager("widget-status").withForce(true).build());
        GenericKubernetesResource afterStatus = widgets().withName("w1").get();
        assertThat(status(afterStatus)).containsEntry("phase", "Ready");
        assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(1L);

        GenericKubernetesResource afterSpec = widgets().resource(widget("w1", Map.of("size", 3), null))
                .fieldManager("widget-spec").forceConflicts().serverSideApply();
        assertThat(afterSpec.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(status(afterSpec)).containsEntry("phase", "Ready");

        // The CRD's schema is enforced (minimum: 1).
        assertThatThrownBy(() -> widgets().resource(widget("w0", Map.of("size", 0), null)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    }

    @Test
    void informerSeesAddUpdateDelete() {
        List<String> events = new CopyOnWriteArrayList<>();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).withLabel("suite", "informer")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap cm) {
                        events.add("add " + cm.getMetadata().getName() + " v=" + cm.getData().get("v"));
                    }

                    @Override
                    public void onUpdate(ConfigMap before, ConfigMap after) {
                        events.add("update " + after.getMetadata().getName() + " v=" + after.getData().get("v"));
                    }

                    @Override
                    public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                        events.add("delete " + cm.getMetadata().getName());
                    }
                });
        try {
            client.configMaps().inNamespace(ns).resource(configMap("informed", Map.of("suite", "informer"), "v", "1"))
                    .create();
            await().atMost(EVENT_TIMEOUT).until(() -> events.contains("add informed v=1"));

            client.configMaps().inNamespace(ns).withName("informed")
                    .edit(c -> new ConfigMapBuilder(c).addToData("v", "2").build());
            await().atMost(EVENT_TIMEOUT).until(() -> events.contains("update informed v=2"));

            client.configMaps().inNamespace(ns).withName("informed").delete();
            await().atMost(EVENT_TIMEOUT).until(() -> events.contains("delete informed"));
        } finally {
            informer.close();
        }
    }

    @Test
    void deploymentScaleSubresourceButNoControllers() {
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("example.invalid/web:1").endContainer()
                .endSpec().endTemplate()
                .endSpec().build();
        client.apps().deployments().inNamespace(ns).resource(deployment).create();

        client.apps().deployments().inNamespace(ns).withName("web").scale(3);

        assertThat(client.apps().deployments().inNamespace(ns).withName("web").scale().getSpec().getReplicas())
                .isEqualTo(3);
        Deployment scaled = client.apps().deployments().inNamespace(ns).withName("web").get();
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        // Only the API server runs: nobody creates ReplicaSets or pods, so status stays empty.
        assertThat(scaled.getStatus() == null || scaled.getStatus().getReplicas() == null).isTrue();
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
    }

    private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> widgets() {
        return client.genericKubernetesResources(WIDGET_API, "Widget").inNamespace(ns);
    }

    private static GenericKubernetesResource widget(String name, Map<String, Object> spec, Map<String, Object> status) {
        GenericKubernetesResourceBuilder widget = new GenericKubernetesResourceBuilder()
                .withApiVersion(WIDGET_API).withKind("Widget")
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata();
        if (spec != null) {
            widget.addToAdditionalProperties("spec", spec);
        }
        if (status != null) {
            widget.addToAdditionalProperties("status", status);
        }
        return widget.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("status");
    }

    private static ConfigMap configMap(String name, Map<String, String> labels, String key, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .addToData(key, value).build();
    }

    private static List<String> names(List<? extends HasMetadata> items) {
        return items.stream().map(i -> i.getMetadata().getName()).sorted().toList();
    }
}
