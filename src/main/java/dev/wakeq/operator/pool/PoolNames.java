package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything the operator creates for one WorkerPool. */
public record PoolNames(String pool, String namespace) {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "wakeq-operator";
    public static final String POOL_LABEL = "wakeq.dev/pool";
    /** Label selector of the informers: only what this operator made. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    public static PoolNames of(WorkerPool pool) {
        return new PoolNames(pool.getMetadata().getName(), pool.getMetadata().getNamespace());
    }

    public String deployment() {
        return pool + "-worker";
    }

    /** The Service databases send wake-ups to; its cluster IP is the trigger's target. */
    public String wakeService() {
        return pool + "-wake";
    }

    /** The always-on receiver of a pool that may scale to zero. */
    public String receiver() {
        return pool + "-receiver";
    }

    /** The workers-only Service the receiver hands wake-ups on to (the wake Service also reaches the receiver). */
    public String workersService() {
        return pool + "-workers";
    }

    /** The receiver's Service DNS name inside the cluster, as the receiver is told where to hand wake-ups. */
    public String workersServiceHost() {
        return workersService() + "." + namespace + ".svc";
    }

    /** The wake Service's selector: workers and the receiver, which both carry the pool label. */
    public Map<String, String> wakeSelector() {
        return Map.of(POOL_LABEL, pool);
    }

    public Map<String, String> receiverSelectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "wakeq-receiver");
        labels.put("app.kubernetes.io/instance", pool);
        return labels;
    }

    public Map<String, String> receiverLabels() {
        Map<String, String> labels = new LinkedHashMap<>(receiverSelectorLabels());
        labels.put("app.kubernetes.io/component", "receiver");
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(POOL_LABEL, pool);
        return labels;
    }

    /** The PodDisruptionBudget that keeps node drains from taking the last ready worker. */
    public String disruptionBudget() {
        return pool + "-worker";
    }

    /** The ServiceAccount, Role and RoleBinding with which the pool's pods read its tenants shard Secrets. */
    public String workerAccount() {
        return pool + "-worker";
    }

    public Map<String, String> selectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "wakeq-worker");
        labels.put("app.kubernetes.io/instance", pool);
        return labels;
    }

    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels());
        labels.put("app.kubernetes.io/component", "worker");
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(POOL_LABEL, pool);
        return labels;
    }

    /** The label selector string for the scale subresource. */
    public String selector() {
        StringBuilder sb = new StringBuilder();
        selectorLabels().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
