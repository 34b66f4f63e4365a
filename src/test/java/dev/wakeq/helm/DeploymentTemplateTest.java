package dev.wakeq.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** templates/deployment.yaml: the operator pod. */
class DeploymentTemplateTest {

    @Test
    void defaults() {
        Chart.Rendered rendered = Chart.render();
        JsonNode deployment = rendered.deployment();
        JsonNode pod = rendered.podSpec();
        JsonNode container = rendered.container();

        assertThat(deployment.path("metadata").path("name").asText()).isEqualTo(Chart.FULLNAME);
        assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/wakeq/wakeq:0.1.0");
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(rendered.env("WAKEQ_WORKER_IMAGE")).isEqualTo("ghcr.io/wakeq/wakeq:0.1.0");
        assertThat(rendered.env("WAKEQ_UDF_IMAGE")).isEqualTo("ghcr.io/wakeq/wakeq-udf:v1");
        assertThat(rendered.env("QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("JOSDK_ALL_NAMESPACES");
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(container.path("resources").path("requests").path("cpu").asText()).isEqualTo("100m");
        assertThat(container.path("resources").path("requests").path("memory").asText()).isEqualTo("256Mi");
        assertThat(container.path("resources").path("limits").path("memory").asText()).isEqualTo("384Mi");
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo(Chart.FULLNAME);
        for (String absent : List.of("imagePullSecrets", "nodeSelector", "tolerations", "affinity", "priorityClassName")) {
            assertThat(pod.has(absent)).as(absent).isFalse();
        }
        assertThat(deployment.path("spec").path("template").path("metadata").has("annotations")).isFalse();
    }

    @Test
    void selectorMatchesThePodLabels() {
        JsonNode deployment = Chart.render().deployment();
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");

        deployment.path("spec").path("selector").path("matchLabels").fields()
                .forEachRemaining(e -> assertThat(podLabels.path(e.getKey())).isEqualTo(e.getValue()));
        assertThat(podLabels.path("app.kubernetes.io/component").asText()).isEqualTo("operator");
    }

    @Test
    void runsNonRootWithAReadOnlyRootFilesystem() {
        Chart.Rendered rendered = Chart.render();
        JsonNode pod = rendered.podSpec().path("securityContext");
        JsonNode container = rendered.container().path("securityContext");

        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asInt()).isEqualTo(1001);
        assertThat(pod.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(container.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("runAsUser").asInt()).isEqualTo(1001);
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(container.path("capabilities").has("add")).isFalse();
        assertThat(container.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");

        // A read-only root needs a writable /tmp.
        assertThat(rendered.container().path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/tmp");
        JsonNode volume = rendered.podSpec().path("volumes").get(0);
        assertThat(volume.path("name").asText()).isEqualTo(rendered.container().path("volumeMounts").get(0).path("name").asText());
        assertThat(volume.has("emptyDir")).isTrue();
    }

    @Test
    void probesUseTheQuarkusHealthEndpoints() {
        JsonNode container = Chart.render().container();

        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http");
        }
    }

    @Test
    void customImagesAndReplicas() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "replicaCount", 2,
                "image", Map.of("repository", "registry.example/wakeq/operator", "tag", "0.2.0-rc1", "pullPolicy", "Always")));

        assertThat(rendered.deployment().path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(rendered.container().path("image").asText()).isEqualTo("registry.example/wakeq/operator:0.2.0-rc1");
        assertThat(rendered.container().path("imagePullPolicy").asText()).isEqualTo("Always");
        // The workers run the operator image unless told otherwise.
        assertThat(rendered.env("WAKEQ_WORKER_IMAGE")).isEqualTo("registry.example/wakeq/operator:0.2.0-rc1");
    }

    @Test
    void workerAndUdfImagesCanBeSetApart() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "worker", Map.of("image", Map.of("repository", "registry.example/wakeq/worker", "tag", "w7")),
                "udf", Map.of("image", Map.of("repository", "registry.example/wakeq/udf", "tag", "v2"))));

        assertThat(rendered.container().path("image").asText()).isEqualTo("ghcr.io/wakeq/wakeq:0.1.0");
        assertThat(rendered.env("WAKEQ_WORKER_IMAGE")).isEqualTo("registry.example/wakeq/worker:w7");
        assertThat(rendered.env("WAKEQ_UDF_IMAGE")).isEqualTo("registry.example/wakeq/udf:v2");

        assertThat(Chart.render(Map.of("worker", Map.of("image", Map.of("tag", "w8")))).env("WAKEQ_WORKER_IMAGE"))
                .isEqualTo("ghcr.io/wakeq/wakeq:w8");
    }

    @Test
    void watchedNamespaces() {
        assertThat(Chart.render(Map.of("rbac", Map.of("scope", "namespace"))).env("QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo(Chart.NAMESPACE);
        assertThat(Chart.render(Map.of("watchNamespaces", List.of("team-a", "team-b"))).env("QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo("team-a,team-b");
        assertThat(Chart.render(Map.of("rbac", Map.of("scope", "namespace"), "watchNamespaces", List.of("team-c")))
                .env("QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo("team-c");
    }

    @Test
    void schedulingPullSecretsAndPodMetadata() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "imagePullSecrets", List.of(Map.of("name", "regcred")),
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "ops", "effect", "NoSchedule")),
                "affinity", Map.of("podAntiAffinity", Map.of("preferredDuringSchedulingIgnoredDuringExecution", List.of(Map.of(
                        "weight", 100,
                        "podAffinityTerm", Map.of("topologyKey", "kubernetes.io/hostname"))))),
                "priorityClassName", "system-cluster-critical",
                "podAnnotations", Map.of("example.com/owner", "platform"),
                "podLabels", Map.of("team", "platform")));
        JsonNode pod = rendered.podSpec();
        JsonNode podMetadata = rendered.deployment().path("spec").path("template").path("metadata");

        assertThat(pod.path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("regcred");
        assertThat(pod.path("nodeSelector").path("kubernetes.io/os").asText()).isEqualTo("linux");
        assertThat(pod.path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
        assertThat(pod.path("tolerations").get(0).path("effect").asText()).isEqualTo("NoSchedule");
        assertThat(pod.path("affinity").path("podAntiAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")
                .get(0).path("weight").asInt()).isEqualTo(100);
        assertThat(pod.path("priorityClassName").asText()).isEqualTo("system-cluster-critical");
        assertThat(podMetadata.path("annotations").path("example.com/owner").asText()).isEqualTo("platform");
        assertThat(podMetadata.path("labels").path("team").asText()).isEqualTo("platform");
        // Extra pod labels never enter the immutable selector.
        assertThat(rendered.deployment().path("spec").path("selector").path("matchLabels").has("team")).isFalse();
    }

    @Test
    void resourcesAndExtraEnv() {
        Chart.Rendered rendered = Chart.render(Map.of(
                "resources", Map.of(
                        "requests", Map.of("cpu", "250m", "memory", "300Mi"),
                        "limits", Map.of("cpu", 2, "memory", "1Gi")),
                "extraEnv", List.of(Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-Xmx300m"))));
        JsonNode resources = rendered.container().path("resources");

        assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("250m");
        assertThat(resources.path("requests").path("memory").asText()).isEqualTo("300Mi");
        assertThat(resources.path("limits").path("cpu").asInt()).isEqualTo(2);
        assertThat(resources.path("limits").path("memory").asText()).isEqualTo("1Gi");
        assertThat(rendered.env("JAVA_TOOL_OPTIONS")).isEqualTo("-Xmx300m");
        assertThat(rendered.env("QUARKUS_OPERATOR_SDK_NAMESPACES")).as("chart env kept").isNotNull();
    }

    @Test
    void eachReleaseHasItsOwnLeaseInItsNamespace() {
        Chart.Rendered rendered = Chart.render(Map.of());
        assertThat(rendered.env("WAKEQ_OPERATOR_LEADER_ELECTION_LEASE_NAME")).isEqualTo(Chart.FULLNAME);
        assertThat(rendered.env("WAKEQ_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE")).isEqualTo(Chart.NAMESPACE);
    }

    @Test
    void jvmOptionsReachTheJavaLauncherAndCanBeTurnedOff() {
        assertThat(Chart.render(Map.of()).env("JDK_JAVA_OPTIONS")).isEqualTo("-XX:TieredStopAtLevel=1");
        assertThat(Chart.render(Map.of("jvmOptions", "-Xlog:gc")).env("JDK_JAVA_OPTIONS")).isEqualTo("-Xlog:gc");
        assertThat(Chart.render(Map.of("jvmOptions", "")).env("JDK_JAVA_OPTIONS")).isNull();
    }
}
