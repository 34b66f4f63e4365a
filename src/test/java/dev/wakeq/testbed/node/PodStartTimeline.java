package dev.wakeq.testbed.node;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where the time goes when a pool starts its first worker: the stages a test sees from outside (API objects
 * polled every 50 ms from a thread of its own) and from the worker's own log (its lines carry millisecond
 * timestamps), each as milliseconds of wall clock after a start the test marks (the INSERT). Host and node share
 * the machine's clock.
 */
public final class PodStartTimeline implements AutoCloseable {

    public static final String DEPLOYMENT_SCALED = "Deployment at 1 (operator)";
    public static final String POD_CREATED = "pod created (ReplicaSet controller)";
    public static final String POD_SCHEDULED = "pod scheduled";
    public static final String CONTAINER_RUNNING = "container running (kubelet, containerd)";
    public static final String JVM_FIRST_LOG = "JVM's first log line";
    public static final String LISTENING = "worker listening";
    public static final String POD_READY = "pod Ready (readiness probe)";

    private final TenantOnNode tenant;
    private final long startMillis;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean closed;

    private PodStartTimeline(TenantOnNode tenant, long startMillis) {
        this.tenant = tenant;
        this.startMillis = startMillis;
        this.poller = new Thread(this::poll, "pod-start-timeline");
        poller.setDaemon(true);
    }

    /** Starts watching now; the stages count from {@code startMillis} (System.currentTimeMillis()). */
    public static PodStartTimeline watch(TenantOnNode tenant, long startMillis) {
        PodStartTimeline t = new PodStartTimeline(tenant, startMillis);
        t.poller.start();
        return t;
    }

    private void poll() {
        while (!closed) {
            try {
                observe();
                Thread.sleep(50); // a sampling period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The API server was slow to answer: the next sample tells.
            }
        }
    }

    private void observe() {
        var d = tenant.deployment("worker");
        if (d != null && d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
            mark(DEPLOYMENT_SCALED);
        }
        for (Pod pod : tenant.pods("worker")) {
            mark(POD_CREATED);
            if (pod.getSpec().getNodeName() != null) {
                mark(POD_SCHEDULED);
            }
            if (pod.getStatus() != null && pod.getStatus().getContainerStatuses().stream()
                    .map(ContainerStatus::getState).anyMatch(s -> s != null && s.getRunning() != null)) {
                mark(CONTAINER_RUNNING);
            }
            if (TenantOnNode.ready(pod)) {
                mark(POD_READY);
            }
        }
    }

    private void mark(String stage) {
        seen.putIfAbsent(stage, System.currentTimeMillis() - startMillis);
    }

    /** Reads the stages the worker logged (first line, listening) from {@code kubectl logs}. */
    public void readLog(String log) {
        log.lines().findFirst().flatMap(PodStartTimeline::timestamp)
                .ifPresent(at -> seen.putIfAbsent(JVM_FIRST_LOG, at - startMillis));
        log.lines().filter(l -> l.contains(" listening on ")).findFirst().flatMap(PodStartTimeline::timestamp)
                .ifPresent(at -> seen.putIfAbsent(LISTENING, at - startMillis));
    }

    /** A stage the test measured itself (e.g. the job handled). */
    public void record(String stage, LongSupplier millisAfterStart) {
        seen.putIfAbsent(stage, millisAfterStart.getAsLong());
    }

    private static Optional<Long> timestamp(String line) {
        int space = line.indexOf(' ');
        try {
            return space > 0 ? Optional.of(Instant.parse(line.substring(0, space)).toEpochMilli()) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The stages in the order they happened, with each one's share. */
    public String breakdown() {
        Map<String, Long> ordered = new LinkedHashMap<>();
        seen.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        StringBuilder out = new StringBuilder();
        long before = 0;
        for (Map.Entry<String, Long> e : ordered.entrySet()) {
            out.append(String.format("  +%5d ms  (%+5d)  %s%n", e.getValue(), e.getValue() - before, e.getKey()));
            before = e.getValue();
        }
        return out.toString();
    }

    public Long at(String stage) {
        return seen.get(stage);
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
