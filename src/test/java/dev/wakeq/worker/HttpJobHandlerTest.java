package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpJobHandlerTest {

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(204);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<String> idempotencyKey = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jobs", exchange -> {
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            idempotencyKey.set(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            byte[] answer = "nope".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), status.get() == 204 ? -1 : answer.length);
            if (status.get() != 204) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void postsTheJobAsJsonAnd2xxMeansDone() throws Exception {
        new HttpJobHandler(url("/jobs")).handle(new Job("ns/t", 42, "{\"x\":\"\u00e9\"}", 3));
        JsonNode json = new ObjectMapper().readTree(body.get());
        assertThat(json.get("tenant").asText()).isEqualTo("ns/t");
        assertThat(json.get("id").asLong()).isEqualTo(42);
        assertThat(json.get("attempts").asInt()).isEqualTo(3);
        assertThat(json.get("payload").asText()).isEqualTo("{\"x\":\"\u00e9\"}");
        assertThat(idempotencyKey.get()).isEqualTo("ns/t/42");
    }

    @Test
    void non2xxIsAFailureWithTheStatus() {
        status.set(503);
        assertThatThrownBy(() -> new HttpJobHandler(url("/jobs")).handle(new Job("t", 1, "p", 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 503").hasMessageContaining("nope");
    }

    @Test
    void slowReceiverTimesOut() {
        HttpJobHandler handler = new HttpJobHandler(url("/slow"), Duration.ofSeconds(2), Duration.ofMillis(300));
        assertThatThrownBy(() -> handler.handle(new Job("t", 1, "p", 1))).isInstanceOf(HttpTimeoutException.class);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }
}
