package dev.wakeq.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.Optional;
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
            public LeaderElection leaderElection() { return election; }
        };
    }

    @Test
    void defaultsExitOnLosingTheLeaseAndLeaveNamespaceAndIdentityToJosdk() {
        LeaderElectionConfiguration c = new LeaderElectionProducer()
                .leaderElection(config(Optional.empty(), Optional.empty(), true));
        assertThat(c.getLeaseName()).isEqualTo("lease-a");
        assertThat(c.isExitOnStopLeading()).isTrue();
        assertThat(c.getLeaseNamespace()).isEmpty();
        assertThat(c.getIdentity()).isEmpty();
    }

    @Test
    void namespaceIdentityAndTheTestOnlyNoExitArePassedOn() {
        LeaderElectionConfiguration c = new LeaderElectionProducer()
                .leaderElection(config(Optional.of("ops"), Optional.of("pod-1"), false));
        assertThat(c.getLeaseNamespace()).contains("ops");
        assertThat(c.getIdentity()).contains("pod-1");
        assertThat(c.isExitOnStopLeading()).isFalse();
    }
}
