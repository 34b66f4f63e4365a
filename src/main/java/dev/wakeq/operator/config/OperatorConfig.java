package dev.wakeq.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator's settings ({@code wakeq.operator.*} in application.properties or WAKEQ_OPERATOR_* env). */
@ConfigMapping(prefix = "wakeq.operator")
public interface OperatorConfig {

    /** How often a Ready tenant's database is checked again, so a trigger or event dropped by hand returns. */
    @WithDefault("5m")
    Duration recheckInterval();

    /** How soon a tenant with a problem (database down, missing library, ...) is tried again. */
    @WithDefault("30s")
    Duration retryInterval();

    /**
     * The function version of every QueueTenant that does not pin one ({@code spec.function.version}): the
     * chart passes its {@code udf.image.tag}. Changing it (with the new library already next to the old one on
     * every server) moves those tenants' triggers and events to the new function, each under its table lock, and
     * the last tenant of a server to move drops the old function.
     */
    @WithDefault("v1")
    String functionVersion();

    /**
     * How often each WorkerPool's workers are asked for their reports (load for the autoscaler, wake-ups for
     * {@code QueueTenant.status.lastWakeSeen}).
     */
    @WithDefault("15s")
    Duration reportInterval();

    /** Leader election: only the replica holding the Lease reconciles; the others wait to take over. */
    LeaderElection leaderElection();

    /** The coordination.k8s.io Lease the operator replicas compete for. */
    interface LeaderElection {

        /** Name of the Lease; one per operator installation (two installations in one namespace need two names). */
        @WithDefault("wakeq-operator")
        String leaseName();

        /** Namespace of the Lease. Default: the client's namespace, in a pod the operator's own (the chart's Role). */
        Optional<String> leaseNamespace();

        /** This replica's name in the Lease. Default: HOSTNAME, which in a pod is the pod name; else a random id. */
        Optional<String> identity();

        /**
         * Exit when the Lease is lost. JOSDK keeps reconciling after losing it unless it exits, so this is what
         * stops a former leader from acting beside the new one; Kubernetes restarts it as a candidate. Off only
         * in tests, where exiting would end the test JVM when Quarkus stops between test classes.
         */
        @WithDefault("true")
        boolean exitOnStopLeading();
    }
}
