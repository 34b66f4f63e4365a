package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale-to-zero receiver: holds wake-ups for known tenants while no worker listens, then hands them on. */
class ReceiverRuntimeTest {

    private static final String KEY = "k-receiver-tenant";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void holdsOneWakeUpPerTenantUntilAWorkerListensAndDropsUnknownKeys() throws Exception {
        Path tenants = dir.resolve("tenants.json");
        Files.writeString(tenants, """
                {"version":1,"tenants":[{"key":"%s","name":"shop/acme","jdbcUrl":"jdbc:mysql://127.0.0.1:1/acme",
                 "user":"u","password":"p"}]}""".formatted(KEY));
        int workerPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            workerPort = probe.getLocalPort();
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WorkerConfig config = WorkerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .tenantsFile(tenants).workerId("receiver-1").build();
        try (ReceiverRuntime receiver = ReceiverRuntime.start(config, "127.0.0.1", workerPort, meters)) {
            assertThat(receiver.ready()).isTrue();
            send(receiver.port(), WakeMessage.insert(KEY));
            send(receiver.port(), WakeMessage.insert(KEY));
            send(receiver.port(), WakeMessage.insert("k-forged"));
            await().atMost(WAIT).until(() -> meters.counter(WorkerMetrics.WAKES_DROPPED, "reason", "unknown_tenant")
                    .count() == 1);
            await().atMost(WAIT).until(() -> receiver.pending() == 1);
            WorkerReport report = receiver.report();
            assertThat(report.pendingWakes()).as("one per tenant, however many arrived").isEqualTo(1);
            assertThat(report.lastWakes()).containsOnlyKeys("shop/acme");
            Thread.sleep(500);
            assertThat(receiver.pending()).as("no worker yet: still held").isEqualTo(1);

            // A worker appears behind the workers Service: the held wake-up reaches it, once.
            List<String> received = new CopyOnWriteArrayList<>();
            try (ServerSocket worker = new ServerSocket()) {
                worker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), workerPort));
                Thread accept = new Thread(() -> {
                    try (Socket s = worker.accept(); InputStream in = s.getInputStream()) {
                        received.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        received.add("error " + e);
                    }
                });
                accept.start();
                await().atMost(WAIT).until(() -> receiver.pending() == 0);
                accept.join(5_000);
            }
            assertThat(received).containsExactly("WQ1 I " + KEY + "\n");
        }
    }

    private static void send(int port, WakeMessage message) throws Exception {
        byte[] bytes = WakeCodec.encode(message);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
        }
    }
}
