package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The WorkerPool reconciler against a real kube-apiserver. A bare API server runs no pods, so "workers ready" is
 * played by writing the Deployment's status the way the Deployment controller would.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class WorkerPoolOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Test
    void poolGetsItsDeploymentAndWakeServiceOwnedByIt() {
        OperatorFixture f = new OperatorFixture(client, "wp-create");
        WorkerPool pool = f.pool("pool", "127.0.0.1", 18690);

        Deployment d = await().atMost(WAIT).until(() -> deployment(f), java.util.Objects::nonNull);
        assertThat(d.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(pool.getMetadata().getUid()));
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(pool.getSpec().getImage());
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();

        Service s = await().atMost(WAIT).until(() -> service(f), java.util.Objects::nonNull);
        assertThat(s.getSpec().getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort())
                .containsExactlyInAnyOrder("UDP/18690", "TCP/18690");
        assertThat(s.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(pool.getMetadata().getUid()));

        // No kubelet here: the pool must say it has no ready worker, with a reason, not pretend to be Ready.
        await().atMost(WAIT).until(() -> f.poolCondition("pool", "Available")
                .map(c -> "False".equals(c.getStatus()) && "NoReadyWorker".equals(c.getReason())).orElse(false));
        assertThat(f.client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool").get()
                .getStatus().getSelector()).contains("app.kubernetes.io/instance=pool");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(f.hasEvent("WorkerPool", "pool", "Normal", "Created", "Deployment pool-worker")).isTrue();
            assertThat(f.hasEvent("WorkerPool", "pool", "Normal", "Created", "Service pool-wake")).isTrue();
            assertThat(f.hasEvent("WorkerPool", "pool", "Warning", "NoReadyWorker", "Ready is False")).isTrue();
        });
    }

    @Test
    void poolTurnsReadyWhenItsDeploymentReportsAReadyWorker() {
        OperatorFixture f = new OperatorFixture(client, "wp-ready");
        f.pool("pool", "127.0.0.1", 18691);
        await().atMost(WAIT).until(() -> deployment(f), java.util.Objects::nonNull);

        client.apps().deployments().inNamespace(f.namespace).withName("pool-worker").editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
                    .withUpdatedReplicas(1).withObservedGeneration(d.getMetadata().getGeneration()).build());
            return d;
        });

        await().atMost(WAIT).until(() -> f.poolCondition("pool", "Ready")
                .map(c -> "True".equals(c.getStatus())).orElse(false));
        WorkerPool pool = f.client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool").get();
        assertThat(pool.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(pool.getStatus().getObservedGeneration()).isEqualTo(pool.getMetadata().getGeneration());
        await().atMost(WAIT).until(() -> f.hasEvent("WorkerPool", "pool", "Normal", "PoolReady", "Ready is True"));
    }

    @Test
    void aNewImageIsRolledOutByChangingTheTemplateAndADeletedServiceComesBack() {
        OperatorFixture f = new OperatorFixture(client, "wp-roll");
        f.pool("pool", "127.0.0.1", 18692);
        await().atMost(WAIT).until(() -> deployment(f), java.util.Objects::nonNull);
        await().atMost(WAIT).until(() -> service(f), java.util.Objects::nonNull);

        client.resources(WorkerPool.class).inNamespace(f.namespace).withName("pool").edit(p -> {
            p.getSpec().setImage("ghcr.io/wakeq/wakeq-operator:next");
            return p;
        });
        await().atMost(WAIT).until(() -> deployment(f).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage().equals("ghcr.io/wakeq/wakeq-operator:next"));
        // Same Deployment object, updated in place: the Deployment controller rolls pods with maxUnavailable 0.
        assertThat(deployment(f).getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        await().atMost(WAIT).until(() -> f.hasEvent("WorkerPool", "pool", "Normal", "Updated", "Deployment pool-worker"));
        // Only the image changed: nothing else is reported as updated, and the Deployment only once.
        assertThat(f.events("WorkerPool", "pool")).filteredOn(e -> "Updated".equals(e.getReason()))
                .extracting(e -> e.getMessage()).containsExactly("updated Deployment pool-worker to match the pool's spec");

        String uid = service(f).getMetadata().getUid();
        client.services().inNamespace(f.namespace).withName("pool-wake").delete();
        await().atMost(WAIT).until(() -> {
            Service s = service(f);
            return s != null && !s.getMetadata().getUid().equals(uid);
        });
        await().atMost(WAIT).until(() -> f.events("WorkerPool", "pool").stream()
                .filter(e -> "Created".equals(e.getReason()) && e.getMessage().contains("Service pool-wake")).count() == 2);
    }

    @Test
    void poolGetsADisruptionBudgetInTheVersionTheServerServes() {
        OperatorFixture f = new OperatorFixture(client, "wp-pdb");
        WorkerPool pool = f.pool("pool", "127.0.0.1", 18693);
        // kube-apiserver 1.20 predates policy/v1: the operator must fall back, not fail the pool.
        assertThat(client.supports("policy/v1", "PodDisruptionBudget")).isFalse();

        PodDisruptionBudget pdb = await().atMost(WAIT).until(() -> client.resources(PodDisruptionBudget.class)
                .inNamespace(f.namespace).withName("pool-worker").get(), java.util.Objects::nonNull);
        assertThat(pdb.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(pool.getMetadata().getUid()));
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        Deployment d = await().atMost(WAIT).until(() -> deployment(f), java.util.Objects::nonNull);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());

        String uid = pdb.getMetadata().getUid();
        client.resources(PodDisruptionBudget.class).inNamespace(f.namespace).withName("pool-worker").delete();
        await().atMost(WAIT).until(() -> {
            PodDisruptionBudget again = client.resources(PodDisruptionBudget.class).inNamespace(f.namespace)
                    .withName("pool-worker").get();
            return again != null && !again.getMetadata().getUid().equals(uid);
        });
    }

    private Deployment deployment(OperatorFixture f) {
        return client.apps().deployments().inNamespace(f.namespace).withName("pool-worker").get();
    }

    private Service service(OperatorFixture f) {
        return client.services().inNamespace(f.namespace).withName("pool-wake").get();
    }
}
