package dev.wakeq.relay;

import static dev.wakeq.worker.RoleCommandLine.setting;

import dev.wakeq.worker.RoleCommandLine;
import dev.wakeq.worker.WorkerHttpEndpoint;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Map;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the relay from the command line or a container ({@code wakeq relay}). Settings as for the worker:
 * {@code --name=value}, else the system property {@code wakeq.name}, else {@code WAKEQ_NAME}:
 * {@code relay-file} (required; docs/relay.md), {@code sweep-interval-seconds} (300), {@code metrics-port} (9090;
 * 0 picks a free port) for {@code /metrics}, {@code /healthz/ready} (ready while streaming),
 * {@code /healthz/live} and {@code /report} (the status as JSON, for the operator's conditions).
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) throws Exception {
        RoleCommandLine.runUntilShutdown(start(RoleCommandLine.parse(args))::close);
    }

    /** Starts the relay, its file watcher and its HTTP endpoint, as {@link #main} does. */
    public static Running start(Map<String, String> cli) throws IOException {
        String file = setting(cli, "relay-file", null);
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("set --relay-file, -Dwakeq.relay-file or WAKEQ_RELAY_FILE");
        }
        Path path = Path.of(file);
        byte[] content = Files.readAllBytes(path);
        RelaySetup setup;
        try {
            setup = RelayFileParser.parse(content);
        } catch (RelayFileParser.InvalidRelayFileException e) {
            throw new IllegalArgumentException("relay file " + path + ": " + e.getMessage());
        }
        RelayTimings timings = RelayTimings.DEFAULTS.withSweepInterval(
                Duration.ofSeconds(number(cli, "sweep-interval-seconds", 300)));
        int metricsPort = number(cli, "metrics-port", 9090);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BinlogRelay relay = BinlogRelay.start(setup, timings, meters);
        AtomicLong reloads = new AtomicLong();
        RelayFileWatcher watcher = new RelayFileWatcher(path, next -> {
            relay.update(next);
            reloads.incrementAndGet();
        });
        watcher.started(content);
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wakeq-relay-file");
            t.setDaemon(true);
            return t;
        });
        checks.scheduleWithFixedDelay(watcher::check, 1, 1, TimeUnit.SECONDS);
        try {
            WorkerHttpEndpoint http = WorkerHttpEndpoint.start(new InetSocketAddress(metricsPort), meters::scrape,
                    () -> relay.status().streaming(), () -> true, () -> RelayReport.json(relay));
            return new Running(relay, checks, http, reloads);
        } catch (IOException | RuntimeException e) {
            checks.shutdownNow();
            relay.close();
            throw e;
        }
    }

    /** A started relay with its file watcher and HTTP endpoint; {@code reloads}: relay files applied since. */
    public record Running(BinlogRelay relay, ScheduledExecutorService checks, WorkerHttpEndpoint http,
                          AtomicLong reloads) implements AutoCloseable {
        @Override
        public void close() {
            checks.shutdownNow();
            relay.close();
            http.close();
        }
    }

    private static int number(Map<String, String> cli, String name, int fallback) {
        String v = setting(cli, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got: " + v);
        }
    }
}
