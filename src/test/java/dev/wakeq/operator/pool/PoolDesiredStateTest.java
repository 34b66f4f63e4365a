package dev.wakeq.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.operator.crd.ScalingSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import dev.wakeq.operator.crd.WorkerPoolStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pool's Deployment and Service as pure functions of the WorkerPool. */
class PoolDesiredStateTest {

    static WorkerPool pool(String name) {
        WorkerPool pool = new WorkerPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns1").withGeneration(3L).build());
        WorkerPoolSpec spec = new WorkerPoolSpec();
        spec.setImage("ghcr.io/wakeq/wakeq-operator:0.1.0");
        pool.setSpec(spec);
        return pool;
    }

    @Test
    void deploymentNeverHasZeroAvailableWorkersDuringARollout() {
        Deployment d = WorkerDeploymentDependent.desired(pool("p"));
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(d.getMetadata().getName()).isEqualTo("p-worker");
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "p");
    }

    @Test
    void workerListensOnUdpAndTcpAndReadsItsPoolsShardsWithItsOwnAccount() {
        Deployment d = WorkerDeploymentDependent.desired(pool("p"));
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getContainerPort())
                .containsExactlyInAnyOrder("UDP/8686", "TCP/8686", "TCP/9090");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).noneSatisfy(v -> assertThat(v.getSecret()).isNotNull());
        assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("p-worker");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("WAKEQ_TENANTS_POOL");
            assertThat(e.getValue()).isEqualTo("p");
        });
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("WAKEQ_TENANTS_NAMESPACE");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        });
        assertThat(c.getEnv()).noneSatisfy(e -> assertThat(e.getName()).isEqualTo("WAKEQ_TENANTS_FILE"));
    }

    @Test
    void theWorkersRoleReadsExactlyThePoolsShardSecrets() {
        var role = WorkerRoleDependent.desired(pool("p"));
        assertThat(role.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("secrets");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            assertThat(r.getResourceNames()).hasSize(dev.wakeq.worker.TenantShards.COUNT)
                    .contains("p-tenants-0", "p-tenants-15");
        });
        var binding = WorkerRoleBindingDependent.desired(pool("p"));
        assertThat(binding.getRoleRef().getName()).isEqualTo("p-worker");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(WorkerAccountDependent.desired(pool("p")).getMetadata().getName());
        });
    }

    @Test
    void workerKeepsItsStateOnAnEmptyDirThatOutlivesAContainerRestart() {
        Deployment d = WorkerDeploymentDependent.desired(pool("p"));
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        String stateDir = c.getEnv().stream().filter(e -> e.getName().equals("WAKEQ_STATE_DIR")).findFirst()
                .orElseThrow().getValue();
        var mount = c.getVolumeMounts().stream().filter(m -> stateDir.startsWith(m.getMountPath() + "/"))
                .findFirst().orElseThrow();
        assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> {
                    assertThat(v.getName()).isEqualTo(mount.getName());
                    assertThat(v.getEmptyDir()).isNotNull();
                });
    }

    @Test
    void workerServesMetricsAndProbesOnItsMetricsPortAndSaysSoForScrapers() {
        Deployment d = WorkerDeploymentDependent.desired(pool("p"));
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(9090);
        });
        // The port the worker listens on (WorkerMain's metrics-port) is the port the probes and scrapers use.
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("WAKEQ_METRICS_PORT");
            assertThat(e.getValue()).isEqualTo("9090");
        });
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        // A scale from zero waits for the first successful probe: every second, not every five.
        assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(1);
        assertThat(c.getReadinessProbe().getPeriodSeconds() * c.getReadinessProbe().getFailureThreshold())
                .as("seconds of failures before a worker leaves the Service").isEqualTo(10);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz/live");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        assertThat(c.getLivenessProbe().getInitialDelaySeconds()).isPositive();
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "9090")
                .containsEntry("prometheus.io/path", "/metrics");
        // What the chart's PodMonitor selects (helm/wakeq/templates/podmonitor.yaml).
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "wakeq-worker")
                .containsEntry("app.kubernetes.io/managed-by", "wakeq-operator")
                .containsEntry("wakeq.dev/pool", "p");
    }

    @Test
    void disruptionBudgetCoversTheWorkersAndLetsOneGoAtATimeInBothApiVersions() {
        Deployment d = WorkerDeploymentDependent.desired(pool("p"));
        var v1 = DisruptionBudgetDependent.desired(pool("p"));
        assertThat(v1.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(v1.getSpec().getMinAvailable()).isNull();
        assertThat(v1.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector());

        var v1beta1 = DisruptionBudgetV1beta1Dependent.desired(pool("p"));
        assertThat(v1beta1.getApiVersion()).isEqualTo("policy/v1beta1");
        assertThat(v1beta1.getMetadata()).isEqualTo(v1.getMetadata());
        assertThat(v1beta1.getSpec().getMaxUnavailable()).isEqualTo(v1.getSpec().getMaxUnavailable());
        assertThat(v1beta1.getSpec().getSelector()).isEqualTo(v1.getSpec().getSelector());
    }

    @Test
    void desiredIsDeterministic() {
        assertThat(WorkerDeploymentDependent.desired(pool("p"))).isEqualTo(WorkerDeploymentDependent.desired(pool("p")));
        assertThat(WakeServiceDependent.desired(pool("p"))).isEqualTo(WakeServiceDependent.desired(pool("p")));
    }

    @Test
    void serviceCarriesBothProtocolsOnTheWakePort() {
        WorkerPool pool = pool("p");
        pool.getSpec().getWake().setPort(9000);
        Service s = WakeServiceDependent.desired(pool);
        assertThat(s.getMetadata().getName()).isEqualTo("p-wake");
        assertThat(s.getSpec().getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort())
                .containsExactlyInAnyOrder("UDP/9000", "TCP/9000");
    }

    @Test
    void replicasFollowTheScalingMode() {
        WorkerPool pool = pool("p");
        WorkerPoolSpec spec = pool.getSpec();
        spec.setMinReplicas(2);
        spec.setMaxReplicas(4);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("no decision yet: the minimum").isEqualTo(2);
        pool.setStatus(new WorkerPoolStatus());
        pool.getStatus().setTargetReplicas(3);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("the autoscaler's decision").isEqualTo(3);
        pool.getStatus().setTargetReplicas(7);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("a decision from a wider range: clamped").isEqualTo(4);
        spec.getScaling().setMode(ScalingSpec.Mode.External);
        spec.setReplicas(9);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("clamped to max").isEqualTo(4);
        spec.setReplicas(3);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).isEqualTo(3);
        spec.setMinReplicas(0);
        spec.setReplicas(0);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("zero, with the receiver minReplicas 0 brings").isZero();
        spec.setMinReplicas(1);
        assertThat(ReplicaPolicy.desiredReplicas(pool)).as("never below minReplicas").isEqualTo(1);
    }

    @Test
    void workersGetTheCommitPollIntervalInTheNameTheWorkerReads() {
        WorkerPool pool = pool("p");
        assertThat(env(pool)).contains("WAKEQ_COMMIT_POLL_MICROS=250");
        pool.getSpec().setCommitPollMicros(1000);
        assertThat(env(pool)).contains("WAKEQ_COMMIT_POLL_MICROS=1000");
    }

    private static List<String> env(WorkerPool pool) {
        return WorkerDeploymentDependent.desired(pool).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList();
    }

    @Test
    void aPoolThatMayScaleToZeroGetsAReceiverBehindTheWakeServiceAndAWorkersOnlyService() {
        WorkerPool pool = pool("p");
        pool.getSpec().getWake().setPort(9000);
        Deployment receiver = ReceiverDeploymentDependent.desired(pool);
        assertThat(receiver.getMetadata().getName()).isEqualTo("p-receiver");
        assertThat(receiver.getSpec().getReplicas()).isEqualTo(1);
        var container = receiver.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("worker");
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("WAKEQ_ROLE=receiver", "WAKEQ_FORWARD_HOST=p-workers.ns1.svc", "WAKEQ_FORWARD_PORT=9000");
        // The wake Service reaches workers and receiver; the workers Service and the budget only the workers.
        Map<String, String> receiverLabels = receiver.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> workerLabels = WorkerDeploymentDependent.desired(pool).getSpec().getTemplate()
                .getMetadata().getLabels();
        Map<String, String> wake = WakeServiceDependent.desired(pool).getSpec().getSelector();
        Map<String, String> workers = WorkersServiceDependent.desired(pool).getSpec().getSelector();
        assertThat(receiverLabels).containsAllEntriesOf(wake);
        assertThat(workerLabels).containsAllEntriesOf(wake).containsAllEntriesOf(workers);
        assertThat(receiverLabels).doesNotContainEntry("app.kubernetes.io/name", "wakeq-worker");
        assertThat(receiver.getSpec().getSelector().getMatchLabels()).isNotEqualTo(workers);
    }

    @Test
    void minAboveMaxIsReportedNamingBothFields() {
        WorkerPoolSpec spec = pool("p").getSpec();
        spec.setMinReplicas(5);
        spec.setMaxReplicas(2);
        assertThat(ReplicaPolicy.problem(spec)).contains("spec.minReplicas").contains("spec.maxReplicas");
    }
}
