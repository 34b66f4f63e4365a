package dev.wakeq.operator.tenant;

import dev.wakeq.operator.pool.PoolNames;
import dev.wakeq.operator.pool.WorkerReports;
import dev.wakeq.worker.WorkerReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a pool's running workers (and its receiver) have applied a shard version, from their reports: a
 * tenant is Ready only once they have, so a wake-up right after Ready is not dropped as {@code unknown_tenant}.
 * Reports are kept per pool and asked again only when the kept ones do not confirm, at most every
 * {@link #FRESH}: the re-check of 10,000 tenants does not ask the workers 10,000 times.
 *
 * <p>A pod that is not ready is not waited for: a starting worker reads every shard before it turns ready. A pod
 * that does not answer is not waited for either (it is counted by {@link WorkerReports}). Versions compare as
 * numbers when both are (they are etcd revisions on every API server seen), so a worker that has already applied
 * a later write of the shard counts; otherwise only the same version counts.
 */
@Singleton
public class WorkerAcks {

    static final Duration FRESH = Duration.ofMillis(200);

    private final WorkerReports reports;
    private final Map<PoolNames, Seen> seen = new ConcurrentHashMap<>();
    /** One fetch per pool at a time: the reconciles waiting on it then use its answer. */
    private final Map<PoolNames, Object> locks = new ConcurrentHashMap<>();

    private record Seen(long atNanos, List<WorkerReport> reports) {
    }

    @Inject
    public WorkerAcks(WorkerReports reports) {
        this.reports = reports;
    }

    /** Whether every ready pod of the pool reports {@code written}'s shard at that version or later. */
    public boolean applied(KubernetesClient client, PoolNames names, PoolRegistry.Written written) {
        Seen s = seen.get(names);
        if (s != null && confirms(s.reports(), written)) {
            return true;
        }
        synchronized (locks.computeIfAbsent(names, n -> new Object())) {
            s = seen.get(names);
            if (s != null && System.nanoTime() - s.atNanos() < FRESH.toNanos()) {
                return confirms(s.reports(), written);
            }
            List<WorkerReport> now = new ArrayList<>();
            now.addAll(reports.fetch(client, names.namespace(), names.selectorLabels()).reports());
            now.addAll(reports.fetch(client, names.namespace(), names.receiverSelectorLabels()).reports());
            seen.put(names, new Seen(System.nanoTime(), List.copyOf(now)));
            return confirms(now, written);
        }
    }

    /** Forgets a deleted pool's reports. */
    public void forget(PoolNames names) {
        seen.remove(names);
        locks.remove(names);
    }

    static boolean confirms(List<WorkerReport> reports, PoolRegistry.Written written) {
        for (WorkerReport r : reports) {
            if (r.ready() && !atLeast(r.shards().get(written.secretName()), written.resourceVersion())) {
                return false;
            }
        }
        return true;
    }

    static boolean atLeast(String have, String want) {
        if (want == null) {
            return true;
        }
        if (have == null) {
            return false;
        }
        try {
            return Long.parseLong(have) >= Long.parseLong(want);
        } catch (NumberFormatException e) {
            return have.equals(want);
        }
    }
}
