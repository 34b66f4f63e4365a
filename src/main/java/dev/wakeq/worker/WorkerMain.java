package dev.wakeq.worker;

import static dev.wakeq.worker.RoleCommandLine.setting;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Runs the worker from the command line or a container. Each setting is read from {@code --name=value}, else the
 * system property {@code wakeq.name}, else the environment variable {@code WAKEQ_NAME}:
 * {@code port} (8686), {@code bind-address} (every interface; the wake and metrics ports), {@code tenants-file}
 * (or {@code tenants-pool} and {@code tenants-namespace}: read the pool's tenants shard Secrets through the
 * Kubernetes API), {@code lease-seconds} (60, above the handler timeout), {@code handler} ({@code logging}, also {@code log}, or
 * {@code http}), {@code handler-url} and {@code handler-timeout-seconds} (for {@code http}),
 * {@code idle-timeout-seconds}, {@code max-attempts}, {@code worker-id}, {@code shutdown-delay-seconds} (5),
 * {@code state-dir} (where a restart after a crash learns which tenants to sweep at once; none by default),
 * {@code role} ({@code worker}, or {@code receiver} with {@code forward-host} and {@code forward-port}),
 * {@code metrics-port} (9090; 0 picks a
 * free port) for {@code /metrics}, {@code /healthz/ready} and {@code /healthz/live}.
 */
public final class WorkerMain {

    /** Prometheus's conventional exporter port; apart from the wake port so probes never share its threads. */
    public static final int DEFAULT_METRICS_PORT = 9090;
    /** Seconds a terminating container keeps taking wake-ups (inside the pod's 60 s grace with the 20 s drain). */
    public static final int DEFAULT_SHUTDOWN_DELAY_SECONDS = 5;

    /** Every option the worker reads (docs/worker.md, "Command line"); any other on the command line is refused. */
    public static final Set<String> OPTIONS = Set.of("tenants-file", "port", "bind-address", "metrics-port",
            "handler", "handler-url", "handler-timeout-seconds", "lease-seconds", "idle-timeout-seconds",
            "max-attempts", "worker-id", "shutdown-delay-seconds", "commit-poll-micros", "role", "forward-host",
            "forward-port", "state-dir", "tenants-pool", "tenants-namespace");

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Running running;
        try {
            Map<String, String> cli = RoleCommandLine.parse(args);
            RoleCommandLine.requireKnown(cli, OPTIONS, "the worker");
            running = start(cli);
        } catch (IllegalArgumentException e) {
            // A setting the user got wrong: say which, without a stack trace, and end as a usage error.
            Logger.getLogger(WorkerMain.class.getName()).severe("worker not started: " + e.getMessage());
            System.exit(2);
            return;
        }
        RoleCommandLine.runUntilShutdown(running::close);
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
        JobHandler handler = handler(cli);
        Duration timeout = handlerTimeout(cli);
        if (handler instanceof HttpJobHandler && timeout.compareTo(config.lease()) >= 0) {
            throw new IllegalArgumentException("handler-timeout-seconds (" + timeout.toSeconds() + ") must be below "
                    + "lease-seconds (" + config.lease().toSeconds() + "): a job still running when its lease ends can "
                    + "be claimed by another worker and run twice at once");
        }
        WorkerRuntime runtime = WorkerRuntime.start(config, decorate.apply(handler), meters, tenants);
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
        String bind = setting(cli, "bind-address", null);
        if (bind != null) {
            b.bindAddress(bindAddress(bind));
        }
        Integer lease = optionalNumber(cli, "lease-seconds");
        if (lease != null) {
            if (lease < 2 || lease > 86_400) {
                throw new IllegalArgumentException("lease-seconds must be 2-86400, got: " + lease);
            }
            b.lease(Duration.ofSeconds(lease));
        }
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
        String stateDir = setting(cli, "state-dir", null);
        if (stateDir != null && !stateDir.isBlank()) {
            b.stateDir(Path.of(stateDir));
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
                return new HttpJobHandler(URI.create(url), Duration.ofSeconds(5), handlerTimeout(cli));
            default:
                throw new IllegalArgumentException("handler must be logging or http, got: " + kind);
        }
    }

    private static Duration handlerTimeout(Map<String, String> cli) {
        return Duration.ofSeconds(number(cli, "handler-timeout-seconds", 30));
    }

    /** An IP address literal of this machine; never a name, whose lookup could pick another interface. */
    private static InetAddress bindAddress(String literal) {
        String text = literal.strip();
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("\\[?[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?]?");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("bind-address must be an IP address literal (e.g. 127.0.0.1, ::1, "
                    + "0.0.0.0), got: " + literal);
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind-address is not a valid IP address: " + literal);
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
