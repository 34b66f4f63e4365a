package dev.wakeq.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Hands QOSDK the leader-election settings: it looks up a {@link LeaderElectionConfiguration} bean at start-up
 * (only in the profiles listed in {@code quarkus.operator-sdk.activate-leader-election-for-profiles}). Looked up
 * by type, never injected, hence {@link Unremovable}.
 */
@Singleton
public class LeaderElectionProducer {

    @Produces
    @Singleton
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        // The constructor, not LeaderElectionConfigurationBuilder: in JOSDK 5.3.2 the builder's build() sets
        // exitOnStopLeading to false, which would let a replica that lost the Lease go on reconciling.
        return new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace().orElse(null),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                settings.identity().orElse(null), null, settings.exitOnStopLeading());
    }
}
