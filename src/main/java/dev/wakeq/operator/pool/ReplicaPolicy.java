package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.ScalingSpec;
import dev.wakeq.operator.crd.WorkerPoolSpec;

/**
 * How many workers a pool runs. Until load-based autoscaling and scale-to-zero exist (issue 6), the operator
 * keeps {@code max(minReplicas, 1)}: a pool with no worker would drop wake-ups, since nothing else listens yet.
 */
public final class ReplicaPolicy {

    private ReplicaPolicy() {
    }

    public static int desiredReplicas(WorkerPoolSpec spec) {
        int min = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
        int max = spec.getMaxReplicas() == null ? Math.max(min, 1) : spec.getMaxReplicas();
        int wanted = spec.getScaling().getMode() == ScalingSpec.Mode.External && spec.getReplicas() != null
                ? spec.getReplicas()
                : min;
        return Math.max(1, Math.min(Math.max(wanted, min), Math.max(max, 1)));
    }

    /** Why the pool's spec cannot be honoured as written, or null. */
    public static String problem(WorkerPoolSpec spec) {
        if (spec.getMinReplicas() != null && spec.getMaxReplicas() != null
                && spec.getMinReplicas() > spec.getMaxReplicas()) {
            return "spec.minReplicas (" + spec.getMinReplicas() + ") is greater than spec.maxReplicas ("
                    + spec.getMaxReplicas() + ")";
        }
        return null;
    }
}
