package dev.wakeq.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
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
        return leaderElection(config, () -> System.exit(1));
    }

    LeaderElectionConfiguration leaderElection(OperatorConfig config, Runnable exit) {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        // A replica that lost the Lease must exit, or it goes on reconciling beside the new leader. Not through
        // JOSDK's own exit-on-stop-leading: JOSDK calls System.exit on the thread that stops the elector, and on
        // SIGTERM that thread is Quarkus's shutdown hook, so System.exit waits for the very hook that calls it
        // and the operator never ends (seen with scripts/scale-bench.sh: the pod would sit until SIGKILL).
        // Exiting from a new daemon thread is the same when the Lease is lost, and harmless during shutdown.
        // (The constructor, not LeaderElectionConfigurationBuilder, whose build() in JOSDK 5.3.2 drops settings.)
        Runnable onStopLeading = settings.exitOnStopLeading() ? () -> exitSoon(exit) : () -> { };
        return new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace().orElse(null),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                settings.identity().orElse(null), new LeaderCallbacks(() -> { }, onStopLeading, leader -> { }),
                false);
    }

    private static void exitSoon(Runnable exit) {
        Thread t = new Thread(exit, "wakeq-lost-lease-exit");
        t.setDaemon(true);
        t.start();
    }
}
