package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.ScalingSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;

/**
 * How many workers a pool's Deployment gets. With {@code scaling.mode: Operator} that is the {@link Autoscaler}'s
 * last decision, kept in {@code status.targetReplicas} so that it survives an operator restart; with
 * {@code External}, {@code spec.replicas} (the scale subresource). Always within minReplicas..maxReplicas. Zero
 * only with {@code minReplicas: 0}, whose pools get a receiver that listens while no worker runs.
 */
public final class ReplicaPolicy {

    private ReplicaPolicy() {
    }

    public static int desiredReplicas(WorkerPool pool) {
        WorkerPoolSpec spec = pool.getSpec();
        Integer wanted = spec.getScaling().getMode() == ScalingSpec.Mode.External ? spec.getReplicas()
                : pool.getStatus() == null ? null : pool.getStatus().getTargetReplicas();
        return clamp(spec, wanted == null ? floor(spec) : wanted);
    }

    /** The fewest workers: minReplicas (0 only with the receiver that minReplicas 0 brings). */
    static int floor(WorkerPoolSpec spec) {
        return Math.max(0, spec.getMinReplicas() == null ? 1 : spec.getMinReplicas());
    }

    /** The most workers: maxReplicas, but never below the floor (an invalid range is reported, not obeyed). */
    static int ceiling(WorkerPoolSpec spec) {
        return Math.max(floor(spec), spec.getMaxReplicas() == null ? floor(spec) : spec.getMaxReplicas());
    }

    private static int clamp(WorkerPoolSpec spec, int wanted) {
        return Math.max(floor(spec), Math.min(wanted, ceiling(spec)));
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
