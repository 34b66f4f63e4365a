package dev.wakeq.worker;

import static dev.wakeq.worker.RoleCommandLine.setting;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Map;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Runs the worker from the command line or a container. Each setting is read from {@code --name=value}, else the
 * system property {@code wakeq.name}, else the environment variable {@code WAKEQ_NAME}:
 * {@code port} (8686), {@code tenants-file} (or {@code tenants-pool} and {@code tenants-namespace}: read the
 * pool's tenants shard Secrets through the Kubernetes API), {@code handler} ({@code logging}, also {@code log}, or
 * {@code http}), {@code handler-url} and {@code handler-timeout-seconds} (for {@code http}),
 * {@code idle-timeout-seconds}, {@code max-attempts}, {@code worker-id}, {@code shutdown-delay-seconds} (5),
 * {@code role} ({@code worker}, or {@code receiver} with {@code forward-host} and {@code forward-port}),
 * {@code metrics-port} (9090; 0 picks a
 * free port) for {@code /metrics}, {@code /healthz/ready} and {@code /healthz/live}.
 */
public final class WorkerMain {

    /** Prometheus's conventional exporter port; apart from the wake port so probes never share its threads. */
    public static final int DEFAULT_METRICS_PORT = 9090;
    /** Seconds a terminating container keeps taking wake-ups (inside the pod's 60 s grace with the 20 s drain). */
    public static final int DEFAULT_SHUTDOWN_DELAY_SECONDS = 5;

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        RoleCommandLine.runUntilShutdown(start(RoleCommandLine.parse(args))::close);
    }

    /**
     * Starts the worker (or, with {@code role=receiver}, the pool's always-on receiver) and its HTTP endpoint
     * from the settings, as {@link #main} does.
     */
    static Running start(Map<String, String> cli) throws IOException {
        return start(cli, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * As {@link #start(Map)}, with the settings' config changed by {@code tune} and the handler they select
     * wrapped by {@code decorate} (a test harness playing kubelet binds pod addresses and records jobs).
     */
    static Running start(Map<String, String> cli, UnaryOperator<WorkerConfig.Builder> tune,
                         UnaryOperator<JobHandler> decorate) throws IOException {
        return start(cli, tune, decorate, () -> new KubernetesClientBuilder().build());
    }

    /**
     * As {@link #start(Map, UnaryOperator, UnaryOperator)}; with {@code tenants-pool} set, the pool's shard Secrets
     * are read through a client from {@code kubernetes} (in a pod: its service account).
     */
    static Running start(Map<String, String> cli, UnaryOperator<WorkerConfig.Builder> tune,
                         UnaryOperator<JobHandler> decorate, Supplier<KubernetesClient> kubernetes) throws IOException {
        WorkerConfig config = tune.apply(config(cli).toBuilder()).build();
        TenantSource.Factory tenants = tenantSource(cli, config, kubernetes);
        int metricsPort = number(cli, "metrics-port", DEFAULT_METRICS_PORT);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("metrics-port must be 0-65535, got: " + metricsPort);
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InetSocketAddress http = new InetSocketAddress(config.bindAddress(), metricsPort);
        String role = setting(cli, "role", "worker");
        if ("receiver".equals(role)) {
            String forwardHost = setting(cli, "forward-host", null);
            if (forwardHost == null || forwardHost.isBlank()) {
                throw new IllegalArgumentException("role receiver needs forward-host (the pool's workers Service)");
            }
            ReceiverRuntime receiver = ReceiverRuntime.start(config, forwardHost,
                    number(cli, "forward-port", config.port()), meters, tenants);
            try {
                return new Running(null, receiver, WorkerHttpEndpoint.start(http, meters::scrape, receiver::ready,
                        receiver::live, () -> receiver.report().toJson()), meters);
            } catch (IOException | RuntimeException e) {
                receiver.close();
                throw e;
            }
        }
        if (!"worker".equals(role)) {
            throw new IllegalArgumentException("role must be worker or receiver, got: " + role);
        }
        WorkerRuntime runtime = WorkerRuntime.start(config, decorate.apply(handler(cli)), meters, tenants);
        try {
            return new Running(runtime, null, WorkerHttpEndpoint.start(http, meters::scrape, runtime::ready,
                    runtime::live, () -> runtime.report().toJson()), meters);
        } catch (IOException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** A started worker or receiver (the other is null) with its HTTP endpoint. */
    record Running(WorkerRuntime runtime, ReceiverRuntime receiver, WorkerHttpEndpoint http,
                   PrometheusMeterRegistry meters) implements AutoCloseable {

        /** Drains first: meanwhile the endpoint answers 503 on readiness and can still be scraped. */
        @Override
        public void close() {
            if (runtime != null) {
                runtime.close();
            }
            if (receiver != null) {
                receiver.close();
            }
            http.close();
        }
    }

    /** The pool's shard Secrets when {@code tenants-pool} is set (with {@code tenants-namespace}), else the file. */
    private static TenantSource.Factory tenantSource(Map<String, String> cli, WorkerConfig config,
                                                     Supplier<KubernetesClient> kubernetes) {
        String pool = setting(cli, "tenants-pool", null);
        if (pool == null || pool.isBlank()) {
            return TenantSource.Factory.file(config);
        }
        String namespace = setting(cli, "tenants-namespace", null);
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("tenants-pool needs tenants-namespace (the pool's namespace)");
        }
        return KubeShardWatch.factory(kubernetes, namespace, pool);
    }

    /** The settings the operator's worker Deployment passes as WAKEQ_* variables (WorkerDeploymentDependent). */
    static WorkerConfig config(Map<String, String> cli) {
        String tenants = setting(cli, "tenants-file", null);
        String pool = setting(cli, "tenants-pool", null);
        if (tenants == null && (pool == null || pool.isBlank())) {
            throw new IllegalArgumentException("set --tenants-file, -Dwakeq.tenants-file or WAKEQ_TENANTS_FILE"
                    + " (or tenants-pool and tenants-namespace to read the pool's shard Secrets)");
        }
        WorkerConfig.Builder b = WorkerConfig.builder()
                .port(number(cli, "port", WorkerConfig.DEFAULT_PORT))
                .tenantsFile(tenants == null ? null : Path.of(tenants));
        Integer idle = optionalNumber(cli, "idle-timeout-seconds");
        if (idle != null) {
            b.idleTimeout(Duration.ofSeconds(idle));
        }
        Integer commitPoll = optionalNumber(cli, "commit-poll-micros");
        if (commitPoll != null) {
            // The pacer needs it within the minimum poll interval, which this command line leaves at its default
            // (5 ms, as the CRD's bound); checked here so that the error names the setting.
            long max = WorkerConfig.builder().build().minPollInterval().toNanos() / 1000;
            if (commitPoll < 0 || commitPoll > max) {
                throw new IllegalArgumentException("commit-poll-micros must be 0-" + max + ", got: " + commitPoll);
            }
            b.commitPollInterval(Duration.ofNanos(commitPoll * 1000L));
        }
        // A pod's endpoints leave the Service a moment after SIGTERM: keep serving what arrives meanwhile.
        b.shutdownDelay(Duration.ofSeconds(number(cli, "shutdown-delay-seconds", DEFAULT_SHUTDOWN_DELAY_SECONDS)));
        Integer attempts = optionalNumber(cli, "max-attempts");
        if (attempts != null) {
            b.maxAttempts(attempts);
        }
        String id = setting(cli, "worker-id", null);
        if (id != null && !id.isBlank()) {
            b.workerId(id);
        }
        return b.build();
    }

    static JobHandler handler(Map<String, String> cli) {
        String kind = setting(cli, "handler", "logging");
        switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            // "log" is what the WorkerPool CRD's handler.type Log becomes in the worker's environment.
            case "logging", "log":
                return new LoggingJobHandler();
            case "http":
                String url = setting(cli, "handler-url", null);
                if (url == null) {
                    throw new IllegalArgumentException("handler http needs handler-url");
                }
                Duration timeout = Duration.ofSeconds(number(cli, "handler-timeout-seconds", 30));
                return new HttpJobHandler(URI.create(url), Duration.ofSeconds(5), timeout);
            default:
                throw new IllegalArgumentException("handler must be logging or http, got: " + kind);
        }
    }

    private static int number(Map<String, String> cli, String name, int fallback) {
        Integer v = optionalNumber(cli, name);
        return v == null ? fallback : v;
    }

    /** The setting as a number, or null when it is not set. */
    private static Integer optionalNumber(Map<String, String> cli, String name) {
        String v = setting(cli, name, null);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got: " + v);
        }
    }
}
