package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.ScalingSpec;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.crd.WorkerPoolSpec;
import dev.wakeq.worker.WorkerReport;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Decides how many workers a pool should run from what its workers report, the way the HPA does for CPU: the busy
 * handler threads (counted from each worker's busy time since its last report, or its busy slots now, whichever is
 * higher) should fill {@link #TARGET_UTILISATION} of the workers' threads. Up at once when work arrives; down only
 * to the highest figure seen over the pool's stabilisation window, so a short lull does not remove a worker the
 * next burst needs; to {@code minReplicas} once no worker has a busy thread or a polling tenant. A pool at zero
 * (minReplicas 0) gets one worker as soon as its receiver holds a wake-up.
 *
 * <p>What it remembers (earlier figures, each worker's last busy time) lives in memory. A new operator starts
 * with none and so scales down only after watching a whole window itself.
 */
@Singleton
public class Autoscaler {

    /** Busy share of handler threads to aim at: room for a burst before the next report. */
    static final double TARGET_UTILISATION = 0.6;
    /** Busy time over gaps shorter than this is too noisy to be a rate. */
    private static final Duration MIN_RATE_GAP = Duration.ofSeconds(1);

    public enum Reason { External, NoReports, Idle, ScaleUp, ScaleDown, Stabilizing, Steady, AtMaximum, WakeAtZero }

    /**
     * @param target  replicas the pool's Deployment should have
     * @param reason  why, in one word (the {@code Scaling} condition's reason)
     * @param message the figures behind it, for {@code kubectl describe}
     */
    public record Decision(int target, Reason reason, String message) {
    }

    private record Figure(Instant at, int replicas) {
    }

    private record BusySample(Instant at, double busySeconds) {
    }

    /** Per pool: its recent figures and first sight, and each worker's last busy time. */
    private static final class History {
        final Instant since;
        final Deque<Figure> figures = new ArrayDeque<>();
        Map<String, BusySample> busy = new HashMap<>();

        History(Instant since) {
            this.since = since;
        }
    }

    /**
     * Keyed by UID as well as name: a pool deleted and created again under the same name must not inherit the old
     * one's window (it would scale down without having watched one).
     */
    private record Key(PoolNames names, String uid) {
        static Key of(WorkerPool pool) {
            return new Key(PoolNames.of(pool), pool.getMetadata().getUid());
        }
    }

    private final Map<Key, History> histories = new ConcurrentHashMap<>();

    /** Forgets every pool not in {@code live} (the informer's pools): WorkerPools have no finalizer to tell. */
    public void retainOnly(Collection<WorkerPool> live) {
        Set<Key> keep = live.stream().map(Key::of).collect(Collectors.toSet());
        histories.keySet().retainAll(keep);
    }

    /**
     * @param current replicas the Deployment has now (what the last decision asked for)
     * @param reports what the pool's workers answered just now
     * @param waiting wake-ups the pool's receiver holds because no worker took them (0 without a receiver)
     */
    public Decision decide(WorkerPool pool, int current, List<WorkerReport> reports, int waiting, Instant now) {
        WorkerPoolSpec spec = pool.getSpec();
        int min = ReplicaPolicy.floor(spec);
        int max = ReplicaPolicy.ceiling(spec);
        if (spec.getScaling().getMode() == ScalingSpec.Mode.External) {
            int target = ReplicaPolicy.desiredReplicas(pool);
            return new Decision(target, Reason.External, "spec.scaling.mode is External: spec.replicas ("
                    + spec.getReplicas() + ") decides, within " + min + ".." + max);
        }
        History h = histories.computeIfAbsent(Key.of(pool), n -> new History(now));
        int held = Math.max(min, Math.min(max, current));
        if (waiting > 0 && held == 0) {
            // From zero: a worker at once, however the stabilisation window looks.
            h.figures.addLast(new Figure(now, 1));
            return new Decision(Math.min(1, max), Reason.WakeAtZero, waiting
                    + " wake-up(s) waiting at the receiver with no worker running: starting one");
        }
        if (reports.isEmpty()) {
            return held == 0
                    ? new Decision(0, Reason.Idle, "no worker runs; the receiver holds wake-ups until one does")
                    : new Decision(held, Reason.NoReports, "no worker answered GET /report; keeping " + held);
        }

        double busyThreads = 0;
        int threads = 0;
        int pollers = 0;
        Map<String, BusySample> busy = new HashMap<>();
        for (WorkerReport r : reports) {
            int size = Math.max(1, r.handlerThreads());
            double used = r.busyHandlers();
            BusySample before = h.busy.get(r.workerId());
            Duration gap = before == null ? Duration.ZERO : Duration.between(before.at(), now);
            if (gap.compareTo(MIN_RATE_GAP) >= 0 && r.busySeconds() >= before.busySeconds()) {
                used = Math.max(used, (r.busySeconds() - before.busySeconds()) / (gap.toMillis() / 1000.0));
            }
            busyThreads += Math.min(size, used);
            threads += size;
            pollers += r.activePollers();
            busy.put(r.workerId(), new BusySample(now, r.busySeconds()));
        }
        h.busy = busy;
        double perWorker = (double) threads / reports.size();
        String figures = String.format(java.util.Locale.ROOT,
                "%.1f of %d handler threads busy on %d reporting worker(s), %d tenant(s) polling", busyThreads,
                threads, reports.size(), pollers);

        int wanted = busyThreads == 0 && pollers == 0 && waiting == 0 ? min
                : Math.max(Math.max(min, 1), (int) Math.ceil(busyThreads / (perWorker * TARGET_UTILISATION)));
        h.figures.addLast(new Figure(now, wanted));
        Instant windowStart = now.minusSeconds(spec.getScaling().getScaleDownStabilizationSeconds());
        while (!h.figures.isEmpty() && h.figures.peekFirst().at().isBefore(windowStart)) {
            h.figures.removeFirst();
        }

        if (wanted > held) {
            int target = Math.min(wanted, max);
            return new Decision(target, target < wanted ? Reason.AtMaximum : Reason.ScaleUp,
                    figures + ": " + wanted + " worker(s) wanted" + (target < wanted ? ", capped at maxReplicas " + max
                            : ""));
        }
        int highest = h.figures.stream().mapToInt(Figure::replicas).max().orElse(wanted);
        if (highest >= held) {
            return new Decision(held, wanted == min && busyThreads == 0 && pollers == 0 && held == min ? Reason.Idle
                    : Reason.Steady, figures);
        }
        if (h.since.isAfter(windowStart)) {
            return new Decision(held, Reason.Stabilizing, figures + "; " + highest + " worker(s) would do, after "
                    + spec.getScaling().getScaleDownStabilizationSeconds() + " s of such load (this operator has "
                    + "watched for " + Duration.between(h.since, now).toSeconds() + " s)");
        }
        return new Decision(highest, highest == min && wanted == min ? Reason.Idle : Reason.ScaleDown,
                figures + "; at most " + highest + " worker(s) needed over the last "
                        + spec.getScaling().getScaleDownStabilizationSeconds() + " s");
    }
}
