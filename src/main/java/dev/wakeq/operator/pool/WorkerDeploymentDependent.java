package dev.wakeq.operator.pool;

import dev.wakeq.WakeqMain;
import dev.wakeq.operator.crd.HandlerSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pool's worker Deployment. A pure function of the WorkerPool: no lookups, no randomness. */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WorkerDeploymentDependent extends PoolDependent<Deployment> {

    /** The data key of a tenants shard Secret (dev.wakeq.worker.KubeShardWatch reads it). */
    public static final String TENANTS_KEY = "tenants.json";
    /** The worker's HTTP port (WorkerMain's default): metrics and probes. */
    public static final int METRICS_PORT = dev.wakeq.worker.WorkerMain.DEFAULT_METRICS_PORT;
    public static final String METRICS_PORT_NAME = "metrics";
    public static final String METRICS_PATH = "/metrics";
    /**
     * The writable /tmp (the root file system is read-only). Bounded, and not empty: JOSDK's server-side-apply
     * matcher reads an empty {@code emptyDir: {}} as missing from the live object and updated the Deployment at
     * every reconcile.
     */
    static final Quantity TMP_SIZE = new Quantity("64Mi");

    public WorkerDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static Deployment desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        WorkerPoolSpec spec = pool.getSpec();
        int port = spec.getWake().getPort();
        return deployment(names.deployment(), names, names.labels(), names.selectorLabels(),
                ReplicaPolicy.desiredReplicas(pool), scrapeAnnotations(),
                podSpec(pool, "worker", env(pool, port), spec.getResources()));
    }

    /**
     * A Deployment of the pool's pods, workers or receiver. maxUnavailable 0: a rollout (new image) adds a ready
     * pod before it removes one, so something is always listening.
     */
    static Deployment deployment(String name, PoolNames names, Map<String, String> labels,
                                 Map<String, String> selector, int replicas, Map<String, String> annotations,
                                 PodSpec pod) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(names.namespace()).withLabels(labels).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The pod both the workers and a pool's receiver run: the same image and entry point ({@code worker}; the
     * receiver's environment sets its role), wake and metrics ports, probes, the pool's service account (to read
     * its tenants shard Secrets through the API), and a locked-down security context.
     */
    static PodSpec podSpec(WorkerPool pool, String container, List<EnvVar> env, ResourceRequirements resources) {
        PoolNames names = PoolNames.of(pool);
        int port = pool.getSpec().getWake().getPort();
        return new PodSpecBuilder()
                // Workers drain on SIGTERM: finish or release claimed jobs within this period.
                .withTerminationGracePeriodSeconds(60L)
                // Its token reads the pool's tenants shards and nothing else (WorkerRoleDependent).
                .withServiceAccountName(names.workerAccount()).withAutomountServiceAccountToken(true)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1001L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName(container).withImage(pool.getSpec().getImage()).withArgs(WakeqMain.WORKER)
                .addNewPort().withName("wake-udp").withContainerPort(port).withProtocol("UDP").endPort()
                .addNewPort().withName("wake-tcp").withContainerPort(port).withProtocol("TCP").endPort()
                .addNewPort().withName(METRICS_PORT_NAME).withContainerPort(METRICS_PORT).withProtocol("TCP").endPort()
                // Not ready until its tenants are loaded and again while draining: the wake Service then sends
                // to the other workers. A new pod that cannot use its tenants shards stalls the rollout instead
                // of replacing a working worker. Probed every second: a new pod joins the Service at most 1 s after
                // it listens (with 5 s that wait was half of a scale from zero on a real node, docs/testbed-kube.md);
                // 10 failures in a row, as 2 at 5 s before, take it out.
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz/ready")
                .withPort(new IntOrString(METRICS_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(1).withTimeoutSeconds(2).withFailureThreshold(10).endReadinessProbe()
                // Fails only when a wake listener died; generous, so a busy JVM is not restarted mid-job.
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz/live")
                .withPort(new IntOrString(METRICS_PORT_NAME)).endHttpGet()
                .withInitialDelaySeconds(10).withPeriodSeconds(10).withTimeoutSeconds(5).withFailureThreshold(3)
                .endLivenessProbe()
                .withEnv(env)
                .withResources(resources)
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .endContainer()
                .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(TMP_SIZE).endEmptyDir().endVolume()
                .build();
    }

    /**
     * For Prometheus set-ups that discover pods by annotation (the common {@code kubernetes-pods} job). The
     * Prometheus Operator ignores these and uses the chart's PodMonitor, which selects the labels instead.
     */
    private static Map<String, String> scrapeAnnotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", String.valueOf(METRICS_PORT));
        annotations.put("prometheus.io/path", METRICS_PATH);
        return annotations;
    }

    /** Where the worker and the receiver read their tenants: the pool's shard Secrets, in the pod's namespace. */
    static List<EnvVar> tenantsEnv(WorkerPool pool) {
        return List.of(new EnvVar("WAKEQ_TENANTS_POOL", pool.getMetadata().getName(), null),
                new EnvVarBuilder().withName("WAKEQ_TENANTS_NAMESPACE").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
    }

    private static List<EnvVar> env(WorkerPool pool, int port) {
        HandlerSpec handler = pool.getSpec().getHandler();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("WAKEQ_WORKER_ID").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        env.add(new EnvVar("WAKEQ_PORT", String.valueOf(port), null));
        env.add(new EnvVar("WAKEQ_METRICS_PORT", String.valueOf(METRICS_PORT), null));
        env.addAll(tenantsEnv(pool));
        // The pod's /tmp is an emptyDir: it outlives a container restart, so a worker restarted after an OOM kill
        // finds which tenants it had jobs in flight for and sweeps them at once (InFlightJournal).
        env.add(new EnvVar("WAKEQ_STATE_DIR", "/tmp/wakeq-state", null));
        env.add(new EnvVar("WAKEQ_IDLE_TIMEOUT_SECONDS", String.valueOf(pool.getSpec().getIdleTimeoutSeconds()), null));
        env.add(new EnvVar("WAKEQ_COMMIT_POLL_MICROS", String.valueOf(pool.getSpec().getCommitPollMicros()), null));
        env.add(new EnvVar("WAKEQ_HANDLER", handler.getType().name().toLowerCase(), null));
        if (handler.getUrl() != null) {
            env.add(new EnvVar("WAKEQ_HANDLER_URL", handler.getUrl(), null));
        }
        env.add(new EnvVar("WAKEQ_HANDLER_TIMEOUT_SECONDS", String.valueOf(handler.getTimeoutSeconds()), null));
        env.add(new EnvVar("WAKEQ_MAX_ATTEMPTS", String.valueOf(handler.getMaxAttempts()), null));
        env.add(new EnvVar("WAKEQ_LEASE_SECONDS", String.valueOf(handler.effectiveLeaseSeconds()), null));
        return env;
    }
}
