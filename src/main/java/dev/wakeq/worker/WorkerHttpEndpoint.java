package dev.wakeq.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker's HTTP port for Prometheus, the kubelet and the operator: {@code GET /metrics},
 * {@code /healthz/ready}, {@code /healthz/live} and {@code /report} ({@link WorkerReport} as JSON). The JDK's own
 * server, so the worker stays a plain Java process. Its answers carry meter values, tenant names and fixed words
 * only: never a tenant key, URL or password.
 */
public final class WorkerHttpEndpoint implements AutoCloseable {

    /** Prometheus text exposition format, the one {@code PrometheusMeterRegistry.scrape()} writes. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** Scrapes and probes are a few per minute; two threads keep a flood of requests from costing more. */
    private static final int THREADS = 2;

    private static final Logger LOG = Logger.getLogger(WorkerHttpEndpoint.class.getName());

    private final HttpServer server;
    private final ExecutorService threads;

    private WorkerHttpEndpoint(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds and starts serving.
     *
     * @param address where to listen; port 0 picks a free one (tests)
     * @param scrape  the meters in Prometheus text format
     * @param ready   whether the worker should receive wake-ups
     * @param live    false only when a restart would help
     * @param report  the worker's report for the operator, as JSON
     */
    public static WorkerHttpEndpoint start(InetSocketAddress address, Supplier<String> scrape, BooleanSupplier ready,
                                           BooleanSupplier live, Supplier<String> report) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("wakeq-http"));
        server.setExecutor(threads);
        server.createContext("/metrics", get(ex -> send(ex, 200, PROMETHEUS_TEXT, scrape.get())));
        server.createContext("/healthz/ready", get(ex -> probe(ex, ready.getAsBoolean(), "not ready")));
        server.createContext("/healthz/live", get(ex -> probe(ex, live.getAsBoolean(), "a wake-up listener died")));
        server.createContext("/report", get(ex -> send(ex, 200, "application/json", report.get())));
        server.start();
        return new WorkerHttpEndpoint(server, threads);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Only GET, and only the exact path: the JDK server matches contexts by prefix. */
    private static HttpHandler get(HttpHandler handler) {
        return ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                    send(ex, 404, "text/plain; charset=utf-8", "not found\n");
                } else if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                } else {
                    handler.handle(ex);
                }
            } catch (RuntimeException e) {
                // The server would log nothing and drop the connection: say what broke.
                LOG.log(Level.WARNING, "answering " + ex.getRequestURI().getPath() + " failed", e);
            }
        };
    }

    private static void probe(HttpExchange ex, boolean ok, String failure) throws IOException {
        send(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : failure + "\n");
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        // Answers in progress get a second; probes and scrapes are retried by their senders.
        server.stop(1);
        threads.shutdown();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
