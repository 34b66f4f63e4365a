package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import org.jboss.logging.Logger;

/**
 * Which PodDisruptionBudget API the API server serves: {@code policy/v1} (Kubernetes 1.21 and later), else
 * {@code policy/v1beta1} (up to 1.24; the test bed's 1.20 serves only this one), else none. The conditions
 * activate exactly one of the two budget dependents, so no informer is ever started on a version the server
 * lacks. Each asks discovery once: a running API server does not change the versions it serves.
 */
public final class PolicyApi {

    private static final Logger LOG = Logger.getLogger(PolicyApi.class);
    private static final String KIND = "PodDisruptionBudget";

    public enum Version { V1, V1BETA1, NONE }

    private PolicyApi() {
    }

    static Version served(KubernetesClient client) {
        if (client.supports("policy/v1", KIND)) {
            return Version.V1;
        }
        if (client.supports("policy/v1beta1", KIND)) {
            return Version.V1BETA1;
        }
        LOG.warn("the API server serves no PodDisruptionBudget API; worker pools get no disruption budget");
        return Version.NONE;
    }

    /** Base of the two activation conditions: met when the server's budget API is {@link #wanted}. */
    abstract static class Serves<R> implements Condition<R, WorkerPool> {

        private final Version wanted;
        private volatile Version served;

        Serves(Version wanted) {
            this.wanted = wanted;
        }

        @Override
        public boolean isMet(DependentResource<R, WorkerPool> dependent, WorkerPool pool, Context<WorkerPool> context) {
            Version v = served;
            if (v == null) {
                v = served(context.getClient());
                served = v;
            }
            return v == wanted;
        }
    }

    public static final class ServesV1 extends Serves<io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget> {
        public ServesV1() {
            super(Version.V1);
        }
    }

    public static final class ServesOnlyV1beta1
            extends Serves<io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget> {
        public ServesOnlyV1beta1() {
            super(Version.V1BETA1);
        }
    }
}
