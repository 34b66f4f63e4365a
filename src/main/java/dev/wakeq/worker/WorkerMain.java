package dev.wakeq.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the worker from the command line or a container. Each setting is read from {@code --name=value}, else the
 * system property {@code wakeq.name}, else the environment variable {@code WAKEQ_NAME}:
 * {@code port} (8686), {@code tenants-file} (required), {@code handler} ({@code logging} or {@code http}),
 * {@code handler-url} (for {@code http}).
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> cli = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments look like --name=value, got: " + arg);
            }
            cli.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        String tenants = setting(cli, "tenants-file", null);
        if (tenants == null) {
            throw new IllegalArgumentException("set --tenants-file, -Dwakeq.tenants-file or WAKEQ_TENANTS_FILE");
        }
        WorkerConfig config = WorkerConfig.builder()
                .port(Integer.parseInt(setting(cli, "port", Integer.toString(WorkerConfig.DEFAULT_PORT))))
                .tenantsFile(Path.of(tenants))
                .build();
        WorkerRuntime runtime = WorkerRuntime.start(config, handler(cli), new SimpleMeterRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "wakeq-shutdown"));
        stopped.await();
    }

    private static JobHandler handler(Map<String, String> cli) {
        String kind = setting(cli, "handler", "logging");
        switch (kind) {
            case "logging":
                return new LoggingJobHandler();
            case "http":
                String url = setting(cli, "handler-url", null);
                if (url == null) {
                    throw new IllegalArgumentException("handler http needs handler-url");
                }
                return new HttpJobHandler(URI.create(url));
            default:
                throw new IllegalArgumentException("handler must be logging or http, got: " + kind);
        }
    }

    static String setting(Map<String, String> cli, String name, String fallback) {
        if (cli.containsKey(name)) {
            return cli.get(name);
        }
        String property = System.getProperty("wakeq." + name);
        if (property != null) {
            return property;
        }
        String env = System.getenv("WAKEQ_" + name.toUpperCase().replace('-', '_'));
        return env != null ? env : fallback;
    }
}
