package dev.wakeq.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Starts a worker from a container's {@code WAKEQ_*} environment through {@link WorkerMain}'s own parsing, so a
 * test that plays the kubelet configures the worker from exactly what the operator's Deployment says.
 */
public final class ContainerWorker implements AutoCloseable {

    private final WorkerRuntime runtime;
    private final PrometheusMeterRegistry meters;
    private final WorkerHttpEndpoint http;

    private ContainerWorker(WorkerRuntime runtime, PrometheusMeterRegistry meters, WorkerHttpEndpoint http) {
        this.runtime = runtime;
        this.meters = meters;
        this.http = http;
    }

    /**
     * @param env        the container's environment, {@code valueFrom} resolved and paths already mapped to this
     *                   machine (there is no mount namespace in-process)
     * @param podAddress the pod IP: listeners bind here instead of every interface
     * @param decorate   wraps the handler the environment selects (tests record jobs with it)
     */
    public static ContainerWorker start(Map<String, String> env, InetAddress podAddress,
                                        UnaryOperator<JobHandler> decorate) throws IOException {
        Map<String, String> cli = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("WAKEQ_")) {
                cli.put(name.substring("WAKEQ_".length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        // A pod gets 60 s to drain; a test harness stopping a pod should not wait that long.
        WorkerConfig config = WorkerMain.config(cli).toBuilder().bindAddress(podAddress)
                .shutdownGrace(Duration.ofSeconds(5)).build();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerRuntime runtime = WorkerRuntime.start(config, decorate.apply(WorkerMain.handler(cli)), meters);
        try {
            // Port 0: several pods share this machine's addresses, so each gets its own metrics port.
            WorkerHttpEndpoint http = WorkerHttpEndpoint.start(new InetSocketAddress(podAddress, 0), meters::scrape,
                    runtime::ready, runtime::live, () -> runtime.report().toJson());
            return new ContainerWorker(runtime, meters, http);
        } catch (IOException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** Where {@code /metrics}, the probes and {@code /report} answer. */
    public int httpPort() {
        return http.port();
    }

    /** Tenants-file checks that found new content (loaded or rejected): each one a file the worker has seen. */
    public long configChangesSeen() {
        return count(WorkerMetrics.CONFIG_RELOADS) + count(WorkerMetrics.CONFIG_ERRORS);
    }

    /** What the readiness probe would answer. */
    public boolean ready() {
        return runtime.ready();
    }

    public int port() {
        return runtime.port();
    }

    private long count(String name) {
        Counter c = meters.find(name).counter();
        return c == null ? 0 : (long) c.count();
    }

    @Override
    public void close() {
        runtime.close();
        http.close();
    }
}
