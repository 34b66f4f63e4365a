package dev.wakeq.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.operator.config.OperatorConfig;
import dev.wakeq.testbed.kube.OperatorTestResource;
import dev.wakeq.testbed.kube.RequiresKubeApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Leader election on the real API server. Two operators in one JVM would share one Quarkus application, so the
 * second replica is played by a plain Fabric8 candidate competing for the same Lease with the same timings.
 */
@QuarkusTest
@RequiresKubeApiServer
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class LeaderElectionOnRealApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    @Inject
    OperatorConfig config;

    @Test
    void theRunningOperatorHoldsTheLeaseAndRenewsIt() {
        Lease lease = await().atMost(WAIT).until(this::lease, Objects::nonNull);
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(config.leaderElection().identity().orElseThrow());
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        await().atMost(WAIT).until(() -> lease().getSpec().getRenewTime().isAfter(renewed));
    }

    @Test
    void aSecondReplicaStandsByWhileTheOperatorLeadsAndActs() {
        await().atMost(WAIT).until(this::lease, Objects::nonNull);
        AtomicBoolean secondLeads = new AtomicBoolean();
        String namespace = lease().getMetadata().getNamespace();
        CompletableFuture<?> candidate = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(config.leaderElection().leaseName())
                .withLock(new LeaseLock(namespace, config.leaderElection().leaseName(), "second-replica"))
                .withLeaseDuration(LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE)
                .withRenewDeadline(LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE)
                .withRetryPeriod(LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE)
                .withLeaderCallbacks(new LeaderCallbacks(() -> secondLeads.set(true), () -> { }, leader -> { }))
                .build()).build().start();
        try {
            // The leader still acts: a new pool gets its Deployment.
            OperatorFixture f = new OperatorFixture(client, "le-acts");
            f.pool("pool", "127.0.0.1", 18694);
            await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(f.namespace)
                    .withName("pool-worker").get() != null);
            // Longer than a lease: had the operator stopped renewing, the candidate would have taken over by now.
            Duration lease = LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE
                    .plus(LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);
            await().during(lease).atMost(lease.plusSeconds(10)).until(() -> !secondLeads.get()
                    && !"second-replica".equals(lease().getSpec().getHolderIdentity()));
        } finally {
            candidate.cancel(true);
        }
    }

    private Lease lease() {
        String namespace = config.leaderElection().leaseNamespace().orElse(client.getNamespace());
        return client.leases().inNamespace(namespace).withName(config.leaderElection().leaseName()).get();
    }
}
