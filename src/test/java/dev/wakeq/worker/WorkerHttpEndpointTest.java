package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker as a container runs it ({@link WorkerMain}'s settings), scraped and probed over HTTP. */
class WorkerHttpEndpointTest {

    private static final String PASSWORD = "s3cret-pw";
    private static final String KEY = "k-known-tenant-key";
    /** Refused at once: the poller's connect fails without waiting for a timeout. */
    private static final String TENANTS = """
            {"version":1,"tenants":[{"key":"%s","name":"shop/acme","jdbcUrl":"jdbc:mysql://127.0.0.1:1/acme",
             "user":"wakeq_worker","password":"%s"}]}""".formatted(KEY, PASSWORD);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Path tenantsFile;
    private WorkerMain.Running worker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void files() {
        tenantsFile = dir.resolve("tenants.json");
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    private void start() throws Exception {
        start("0");
    }

    private void start(String shutdownDelaySeconds) throws Exception {
        worker = WorkerMain.start(Map.of("tenants-file", tenantsFile.toString(), "port", "0", "metrics-port", "0",
                "worker-id", "test-worker", "shutdown-delay-seconds", shutdownDelaySeconds));
    }

    @Test
    void metricsCountAWakeUpInPrometheusFormatWithoutSecrets() throws Exception {
        Files.writeString(tenantsFile, TENANTS);
        start();
        assertThat(get("/healthz/ready").statusCode()).isEqualTo(200);
        assertThat(get("/healthz/live").statusCode()).isEqualTo(200);

        byte[] wake = WakeCodec.encode(WakeMessage.insert(KEY));
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(wake, wake.length, InetAddress.getLoopbackAddress(), worker.runtime().port()));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/metrics").body())
                .contains("wakeq_wakes_received_total{kind=\"insert\",protocol=\"udp\",} 1.0")
                .contains("wakeq_db_errors_total{operation=\"connect\",}"));

        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(WorkerHttpEndpoint.PROMETHEUS_TEXT);
        assertThat(metrics.body())
                .contains("# TYPE wakeq_wakes_received_total counter")
                .contains("wakeq_wakes_dropped_total{reason=\"unknown_tenant\",} 0.0")
                .contains("wakeq_config_reloads_total 1.0")
                .contains("# TYPE wakeq_pollers_active gauge")
                .contains("wakeq_wake_to_claim_seconds_bucket{le=")
                .doesNotContain(PASSWORD).doesNotContain(KEY).doesNotContain("acme");
    }

    @Test
    void reportNamesTheWokenTenantAndTheLoadButNoSecret() throws Exception {
        Files.writeString(tenantsFile, TENANTS);
        start();
        WorkerReport before = WorkerReport.parse(get("/report").body().getBytes(StandardCharsets.UTF_8));
        assertThat(before.workerId()).isEqualTo("test-worker");
        assertThat(before.ready()).isTrue();
        assertThat(before.handlerThreads()).isPositive();
        assertThat(before.lastWakes()).as("no wake-up yet").isEmpty();

        long sent = System.currentTimeMillis();
        byte[] wake = WakeCodec.encode(WakeMessage.insert(KEY));
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(wake, wake.length, InetAddress.getLoopbackAddress(), worker.runtime().port()));
        }
        await().atMost(WAIT).until(() -> get("/report").body().contains("shop/acme"));
        HttpResponse<String> answer = get("/report");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).doesNotContain(PASSWORD).doesNotContain(KEY).doesNotContain("jdbc");
        WorkerReport after = WorkerReport.parse(answer.body().getBytes(StandardCharsets.UTF_8));
        assertThat(after.lastWakes().get("shop/acme")).isBetween(sent - 1000, System.currentTimeMillis());

        // A tenant removed from the file is no longer reported.
        Files.writeString(tenantsFile, "{\"version\":1,\"tenants\":[]}");
        await().atMost(WAIT).until(() -> !get("/report").body().contains("shop/acme"));
    }

    @Test
    void readyOnlyOnceTheTenantsAreKnownAndNoLongerWhileDraining() throws Exception {
        Files.writeString(tenantsFile, "{not json");
        start();
        HttpResponse<String> broken = get("/healthz/ready");
        assertThat(broken.statusCode()).as("a worker started on a broken file has no tenants").isEqualTo(503);
        assertThat(broken.body()).doesNotContain("not json");

        Files.writeString(tenantsFile, TENANTS);
        await().atMost(WAIT).until(() -> get("/healthz/ready").statusCode() == 200);

        worker.runtime().close();
        assertThat(get("/healthz/ready").statusCode()).isEqualTo(503);
        assertThat(get("/healthz/live").statusCode()).as("draining is not dead").isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aStoppingWorkerIsNotReadyButStillTakesWakeUpsDuringTheShutdownDelay() throws Exception {
        Files.writeString(tenantsFile, TENANTS);
        start("2");
        Thread closing = new Thread(worker::close, "closing");
        closing.start();
        await().atMost(WAIT).until(() -> get("/healthz/ready").statusCode() == 503);

        byte[] wake = WakeCodec.encode(WakeMessage.insert(KEY));
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(wake, wake.length, InetAddress.getLoopbackAddress(), worker.runtime().port()));
        }
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(get("/metrics").body())
                .contains("wakeq_wakes_received_total{kind=\"insert\",protocol=\"udp\",} 1.0"));
        assertThat(closing.isAlive()).as("still in its shutdown delay").isTrue();
        closing.join(10_000);
        worker = null;
    }

    @Test
    void readyWithoutATenantsFile() throws Exception {
        // The pool's tenants Secret is optional: a pool without tenants has none, and its workers are fine.
        start();
        assertThat(get("/healthz/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyGetOnTheExactPaths() throws Exception {
        start();
        assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + worker.http().port() + path);
    }
}
