package dev.wakeq.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The settings reach JOSDK as written; above all, a production replica that loses the Lease exits. */
class LeaderElectionProducerTest {

    private static OperatorConfig config(Optional<String> namespace, Optional<String> identity, boolean exit) {
        OperatorConfig.LeaderElection election = new OperatorConfig.LeaderElection() {
            public String leaseName() { return "lease-a"; }
            public Optional<String> leaseNamespace() { return namespace; }
            public Optional<String> identity() { return identity; }
            public boolean exitOnStopLeading() { return exit; }
        };
        return new OperatorConfig() {
            public Duration recheckInterval() { return Duration.ofMinutes(5); }
            public Duration retryInterval() { return Duration.ofSeconds(30); }
            public Duration reportInterval() { return Duration.ofSeconds(15); }
            public String functionVersion() { return "v1"; }
            public LeaderElection leaderElection() { return election; }
        };
    }

    @Test
    void defaultsExitOnLosingTheLeaseAndLeaveNamespaceAndIdentityToJosdk() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        LeaderElectionConfiguration c = new LeaderElectionProducer()
                .leaderElection(config(Optional.empty(), Optional.empty(), true), exited::countDown);
        assertThat(c.getLeaseName()).isEqualTo("lease-a");
        assertThat(c.getLeaseNamespace()).isEmpty();
        assertThat(c.getIdentity()).isEmpty();
        // JOSDK's own exit would deadlock a SIGTERM shutdown; ours runs on another thread.
        assertThat(c.isExitOnStopLeading()).isFalse();
        c.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertThat(exited.await(5, TimeUnit.SECONDS)).as("exits after losing the Lease").isTrue();
    }

    @Test
    void stoppingToLeadDuringShutdownDoesNotBlockTheCaller() {
        // The exit blocks forever here, as System.exit does while a shutdown hook runs.
        LeaderElectionConfiguration c = new LeaderElectionProducer()
                .leaderElection(config(Optional.empty(), Optional.empty(), true), () -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> c.getLeaderCallbacks().orElseThrow().onStopLeading());
    }

    @Test
    void namespaceIdentityAndTheTestOnlyNoExitArePassedOn() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        LeaderElectionConfiguration c = new LeaderElectionProducer()
                .leaderElection(config(Optional.of("ops"), Optional.of("pod-1"), false), exited::countDown);
        assertThat(c.getLeaseNamespace()).contains("ops");
        assertThat(c.getIdentity()).contains("pod-1");
        c.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertThat(exited.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }
}
