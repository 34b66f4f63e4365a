package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches the listeners and is not a wake-up for a configured tenant is dropped and counted. */
class WakeListenerTest {

    private WorkerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new WorkerFixture();
        f.writeTenantsText("{\"version\":1,\"tenants\":[]}");
        f.start(WorkerFixture.config().tcpReadTimeout(Duration.ofMillis(500)).maxTcpConnections(2),
                new RecordingHandler());
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void forgedKeyIsDecodedThenDroppedAsUnknownTenant() throws Exception {
        f.udp(WakeCodec.encode(WakeMessage.insert("guessed-key")));
        f.sweep(new WorkerFixture.Tenant(null, "guessed-key", "n", "p"));
        awaitDropped("unknown_tenant", 2);
        assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "insert", "protocol", "udp")).isEqualTo(1);
        assertThat(f.count(WorkerMetrics.WAKES_RECEIVED, "kind", "sweep", "protocol", "tcp")).isEqualTo(1);
        assertThat(f.activePollers()).isZero();
    }

    @Test
    void malformedAndOversizedDatagramsAreDropped() throws Exception {
        f.udp(WorkerFixture.ascii("WQ2 I key"));
        f.udp(WorkerFixture.ascii("GET / HTTP/1.1\r\n"));
        f.udp(new byte[0]);
        f.udp(WorkerFixture.ascii("WQ1 I " + "k".repeat(200)));
        f.udp(new byte[5000]);
        awaitDropped("malformed", 3);
        awaitDropped("oversized", 2);
    }

    @Test
    void malformedAndOversizedTcpMessagesAreDropped() throws Exception {
        f.tcp(WorkerFixture.ascii("WQ1 X key\n"));
        f.tcp(WorkerFixture.ascii("WQ1 S " + "k".repeat(500)));
        awaitDropped("malformed", 1);
        awaitDropped("oversized", 1);
    }

    @Test
    void silentTcpClientIsCutOffAtTheReadTimeout() throws Exception {
        long start = System.nanoTime();
        try (Socket silent = new Socket(WorkerFixture.LOOPBACK, f.runtime.port())) {
            awaitDropped("timeout", 1);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void tcpClientTricklingBytesIsCutOffAtTheReadTimeoutToo() throws Exception {
        try (Socket slow = new Socket(WorkerFixture.LOOPBACK, f.runtime.port())) {
            OutputStream out = slow.getOutputStream();
            // One byte whenever the worker has not yet given up: a per-read timeout would never fire.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                try {
                    out.write('W');
                    out.flush();
                } catch (java.io.IOException closed) {
                    return true;
                }
                return f.count(WorkerMetrics.WAKES_DROPPED, "reason", "timeout") == 1;
            });
        }
        awaitDropped("timeout", 1);
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAtOnce() throws Exception {
        try (Socket a = new Socket(WorkerFixture.LOOPBACK, f.runtime.port());
             Socket b = new Socket(WorkerFixture.LOOPBACK, f.runtime.port())) {
            // Both slots are taken by silent clients; the third is closed without being read.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket c = new Socket(WorkerFixture.LOOPBACK, f.runtime.port())) {
                    return c.getInputStream().read() == -1
                            && f.count(WorkerMetrics.WAKES_DROPPED, "reason", "overloaded") >= 1;
                }
            });
        }
        // Slots come back once the silent clients are gone. The listener frees them when it sees the close, which
        // can be just after a sweep is already refused for want of a slot: so send until one gets through.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            f.sweep(new WorkerFixture.Tenant(null, "someone", "n", "p"));
            return f.count(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant") >= 1;
        });
    }

    private void awaitDropped(String reason, int n) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> f.count(WorkerMetrics.WAKES_DROPPED, "reason", reason) == n);
    }
}
