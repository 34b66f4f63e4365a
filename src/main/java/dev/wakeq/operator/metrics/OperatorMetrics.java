package dev.wakeq.operator.metrics;

import dev.wakeq.install.InstallReport;
import dev.wakeq.install.Problem;
import dev.wakeq.install.Reason;
import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.WorkerPool;
import dev.wakeq.operator.pool.ReplicaPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The operator's own meters (prefix {@code wakeq.operator}, documented in docs/metrics.md). Tenants appear only as
 * counts: thousands of tenants must not mean thousands of series. Pools are few and get their own series.
 * Tenant and pool figures are read from the controllers' informer caches, so a deleted object drops out without
 * any clean-up hook; only the replica holding the Lease reconciles, and only it reports them.
 */
@Singleton
public class OperatorMetrics {

    public static final String TENANTS = "wakeq.operator.tenants";
    public static final String POOL_REPLICAS = "wakeq.operator.pool.replicas";
    public static final String INSTALLS = "wakeq.operator.installs";
    public static final String INSTALL_PROBLEMS = "wakeq.operator.install.problems";
    public static final String INSTALL_STATEMENTS = "wakeq.operator.install.statements";
    public static final String RECHECKS_UNCHANGED = "wakeq.operator.rechecks.unchanged";
    /** How stale a deleted pool's series may get: the refresh interval of the pool gauges. */
    static final long POOL_REFRESH_SECONDS = 15;

    private final AtomicReference<IndexedResourceCache<QueueTenant>> tenants = new AtomicReference<>();
    private final AtomicReference<IndexedResourceCache<WorkerPool>> pools = new AtomicReference<>();
    private final MultiGauge poolReplicas;
    private final Counter installsOk;
    private final Counter installsWithProblems;
    private final Counter rechecksUnchanged;
    private final Map<Reason, Counter> problems = new EnumMap<>(Reason.class);
    private final DistributionSummary statements;
    private final ScheduledExecutorService refresher;

    public OperatorMetrics(MeterRegistry registry) {
        // Quarkus hands out its global composite registry, which outlives an application restart in the same JVM
        // (every @QuarkusTest class with other resources is one). Registering a gauge whose id exists returns the
        // old gauge, still reading the previous instance's dead cache: the new instance takes the names over.
        registry.find(TENANTS).meters().forEach(registry::remove);
        registry.find(POOL_REPLICAS).meters().forEach(registry::remove);
        for (String status : List.of("True", "False", "Unknown")) {
            Gauge.builder(TENANTS, () -> countTenants(status))
                    .description("QueueTenants by the status of their Ready condition (Unknown: not reconciled yet)")
                    .tag("condition", "Ready").tag("status", status).register(registry);
        }
        poolReplicas = MultiGauge.builder(POOL_REPLICAS)
                .description("Worker replicas of each WorkerPool: desired (the autoscaler's target, or spec.replicas with External scaling) and ready (its status)")
                .register(registry);
        installsOk = installs(registry, "ok");
        installsWithProblems = installs(registry, "problem");
        rechecksUnchanged = Counter.builder(RECHECKS_UNCHANGED)
                .description("Re-checks whose one-statement fingerprint showed nothing changed, so no install ran")
                .register(registry);
        for (Reason reason : Reason.values()) {
            problems.put(reason, Counter.builder(INSTALL_PROBLEMS)
                    .description("Problems the tenant installer reported, by condition reason")
                    .tag("reason", reason.name()).register(registry));
        }
        statements = DistributionSummary.builder(INSTALL_STATEMENTS)
                .description("SQL statements one installer run sent to a tenant database, queries included")
                .baseUnit("statements").register(registry);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wakeq-operator-metrics");
            t.setDaemon(true);
            return t;
        });
        // Pools come and go between reconciles (a deleted pool is never reconciled again): re-read the cache.
        refresher.scheduleWithFixedDelay(this::refreshPools, POOL_REFRESH_SECONDS, POOL_REFRESH_SECONDS,
                TimeUnit.SECONDS);
    }

    private static Counter installs(MeterRegistry registry, String result) {
        return Counter.builder(INSTALLS).description("Tenant installer runs, by whether they reported a problem")
                .tag("result", result).register(registry);
    }

    /** Called on each QueueTenant reconcile: from then on the tenant counts come from this cache. */
    public void tenantsReconciled(IndexedResourceCache<QueueTenant> cache) {
        tenants.set(cache);
    }

    /** Called on each WorkerPool reconcile, after its status is computed. */
    public void poolsReconciled(IndexedResourceCache<WorkerPool> cache) {
        pools.set(cache);
        refreshPools();
    }

    public void recheckedUnchanged() {
        rechecksUnchanged.increment();
    }

    public void installed(InstallReport report) {
        (report.hasProblems() ? installsWithProblems : installsOk).increment();
        for (Problem p : report.problems()) {
            problems.get(p.reason()).increment();
        }
        statements.record(report.statements());
    }

    private double countTenants(String status) {
        IndexedResourceCache<QueueTenant> cache = tenants.get();
        if (cache == null) {
            return 0;
        }
        return cache.list().filter(t -> status.equals(readyStatus(t))).count();
    }

    private static String readyStatus(QueueTenant tenant) {
        List<Condition> conditions = tenant.getStatus() == null ? null : tenant.getStatus().getConditions();
        if (conditions == null) {
            return "Unknown";
        }
        return conditions.stream().filter(c -> "Ready".equals(c.getType())).map(Condition::getStatus)
                .filter(s -> s.equals("True") || s.equals("False")).findFirst().orElse("Unknown");
    }

    private synchronized void refreshPools() {
        IndexedResourceCache<WorkerPool> cache = pools.get();
        if (cache == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = cache.list().flatMap(OperatorMetrics::poolRows).toList();
        poolReplicas.register(rows, true);
    }

    private static Stream<MultiGauge.Row<?>> poolRows(WorkerPool pool) {
        Tags tags = Tags.of("namespace", pool.getMetadata().getNamespace(), "pool", pool.getMetadata().getName());
        int ready = pool.getStatus() == null || pool.getStatus().getReadyReplicas() == null ? 0
                : pool.getStatus().getReadyReplicas();
        return Stream.of(MultiGauge.Row.of(tags.and("state", "desired"), ReplicaPolicy.desiredReplicas(pool)),
                MultiGauge.Row.of(tags.and("state", "ready"), ready));
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
    }
}
