package dev.wakeq.worker;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Starts a worker, or a pool's receiver, from a container's {@code WAKEQ_*} environment through
 * {@link WorkerMain}'s own parsing, so a test that plays the kubelet configures it from exactly what the
 * operator's Deployment says.
 */
public final class ContainerWorker implements dev.wakeq.testbed.kube.PodProcess {

    private final WorkerMain.Running running;

    private ContainerWorker(WorkerMain.Running running) {
        this.running = running;
    }

    /**
     * @param env        the container's environment, {@code valueFrom} resolved and paths already mapped to this
     *                   machine (there is no mount namespace in-process)
     * @param podAddress the pod IP: listeners bind here instead of every interface
     * @param decorate   wraps the handler the environment selects (tests record jobs with it)
     */
    public static ContainerWorker start(Map<String, String> env, InetAddress podAddress,
                                        UnaryOperator<JobHandler> decorate) throws IOException {
        return start(env, podAddress, decorate, () -> {
            throw new IllegalStateException("this test gives workers no Kubernetes API");
        });
    }

    /** As {@link #start(Map, InetAddress, UnaryOperator)}; a worker reading shard Secrets uses {@code kubernetes}. */
    public static ContainerWorker start(Map<String, String> env, InetAddress podAddress,
                                        UnaryOperator<JobHandler> decorate,
                                        java.util.function.Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes)
            throws IOException {
        Map<String, String> cli = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("WAKEQ_")) {
                cli.put(name.substring("WAKEQ_".length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        // Several pods share this machine's addresses, so each gets its own metrics port.
        cli.put("metrics-port", "0");
        return new ContainerWorker(WorkerMain.start(cli, b -> b.bindAddress(podAddress)
                // A pod gets 60 s to drain; a test harness stopping a pod should not wait that long.
                .shutdownGrace(Duration.ofSeconds(5))
                // FakeKubelet's Service proxy drops a pod's endpoint before it stops the pod, with no lag to cover.
                .shutdownDelay(Duration.ZERO), decorate, kubernetes));
    }

    /** Tenants shard Secret name to the resourceVersion the worker (or receiver) has applied. */
    public Map<String, String> appliedShards() {
        return running.runtime() != null ? running.runtime().report().shards() : running.receiver().report().shards();
    }

    /** Where {@code /metrics}, the probes and {@code /report} answer. */
    @Override
    public int httpPort() {
        return running.http().port();
    }

    /** Tenants-file checks that found new content (loaded or rejected): each one a file the worker has seen. */
    @Override
    public long configChangesSeen() {
        return count(WorkerMetrics.CONFIG_RELOADS) + count(WorkerMetrics.CONFIG_ERRORS);
    }

    /** What the readiness probe would answer. */
    @Override
    public boolean ready() {
        return running.runtime() != null ? running.runtime().ready() : running.receiver().ready();
    }

    /** The wake port. */
    @Override
    public int port() {
        return running.runtime() != null ? running.runtime().port() : running.receiver().port();
    }

    /** The sum of the counters {@code name} with tag {@code key=value}; 0 when none is registered. */
    public long count(String name, String key, String value) {
        return (long) running.meters().find(name).tag(key, value).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    public long count(String name) {
        Counter c = running.meters().find(name).counter();
        return c == null ? 0 : (long) c.count();
    }

    @Override
    public void close() {
        running.close();
    }
}
