package dev.wakeq.operator.relay;

import dev.wakeq.WakeqMain;
import dev.wakeq.operator.pool.WorkerDeploymentDependent;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;

/**
 * The relay's Deployment: a pure function of its names, image and sweep interval. The same image and entry point as
 * the workers (role {@code relay}), the same metrics port, probes and locked-down security context
 * ({@link WorkerDeploymentDependent}); the relay file comes from its Secret. One replica, rolled with
 * {@code maxSurge 1, maxUnavailable 0}: during a rollout two relays stream for a moment (each wake-up twice, which
 * costs a claim query), never none.
 */
final class RelayDeployment {

    static final String FILE_MOUNT = "/etc/wakeq/relay";
    private static final int METRICS_PORT = WorkerDeploymentDependent.METRICS_PORT;

    private RelayDeployment() {
    }

    static Deployment desired(RelayNames names, String image, int sweepSeconds) {
        Map<String, String> labels = names.labels();
        return new DeploymentBuilder()
                .withNewMetadata().withName(names.name()).withNamespace(names.namespace()).withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(names.selectorLabels()).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).withAnnotations(Map.of("prometheus.io/scrape", "true",
                        "prometheus.io/port", String.valueOf(METRICS_PORT),
                        "prometheus.io/path", WorkerDeploymentDependent.METRICS_PATH)).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(10L)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1001L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("relay").withImage(image).withArgs(WakeqMain.RELAY)
                .addNewPort().withName(WorkerDeploymentDependent.METRICS_PORT_NAME).withContainerPort(METRICS_PORT)
                .withProtocol("TCP").endPort()
                // Ready while it streams: a relay that cannot read the binary log shows in the Deployment too.
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz/ready")
                .withPort(new IntOrString(WorkerDeploymentDependent.METRICS_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(5).withTimeoutSeconds(2).withFailureThreshold(2).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz/live")
                .withPort(new IntOrString(WorkerDeploymentDependent.METRICS_PORT_NAME)).endHttpGet()
                .withInitialDelaySeconds(10).withPeriodSeconds(10).withTimeoutSeconds(5).withFailureThreshold(3)
                .endLivenessProbe()
                .withEnv(List.of(new EnvVar("WAKEQ_RELAY_FILE", FILE_MOUNT + "/" + RelayNames.RELAY_FILE, null),
                        new EnvVar("WAKEQ_METRICS_PORT", String.valueOf(METRICS_PORT), null),
                        new EnvVar("WAKEQ_SWEEP_INTERVAL_SECONDS", String.valueOf(sweepSeconds), null)))
                // 1,000 tenants measured about 95 MiB RSS (scripts/relay-bench.sh).
                .withNewResources().withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("160Mi")))
                .withLimits(Map.of("memory", new Quantity("256Mi"))).endResources()
                .addNewVolumeMount().withName("relay").withMountPath(FILE_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .endContainer()
                .addNewVolume().withName("relay").withNewSecret().withSecretName(names.name()).endSecret().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
