package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker options issue 16 asked for: unknown options refused with the valid ones, a bind address for the wake
 * and metrics ports, the lease, a handler timeout at or above the lease refused, and a shutdown that says what it
 * drains and how long it took.
 */
class WorkerOptionsTest {

    @TempDir
    Path dir;

    private Map<String, String> base(String... more) {
        Map<String, String> cli = new HashMap<>(Map.of("tenants-file", dir.resolve("none.json").toString(),
                "port", "0", "metrics-port", "0", "shutdown-delay-seconds", "0"));
        for (int i = 0; i < more.length; i += 2) {
            cli.put(more[i], more[i + 1]);
        }
        return cli;
    }

    @Test
    void anUnknownOptionIsRefusedWithTheValidOnes() {
        Map<String, String> cli = RoleCommandLine.parse(new String[] {"--tenants-file=/t", "--bogus-option=1"});
        assertThatThrownBy(() -> RoleCommandLine.requireKnown(cli, WorkerMain.OPTIONS, "the worker"))
                .hasMessageContaining("unknown option --bogus-option for the worker; valid: ")
                .hasMessageContaining("--bind-address").hasMessageContaining("--lease-seconds")
                .hasMessageContaining("--tenants-file");
        RoleCommandLine.requireKnown(RoleCommandLine.parse(new String[] {"--bind-address=127.0.0.1",
            "--lease-seconds=90"}), WorkerMain.OPTIONS, "the worker");
    }

    @Test
    void leaseSecondsIsTheClaimsLease() {
        assertThat(WorkerMain.config(base("lease-seconds", "90")).lease()).isEqualTo(Duration.ofSeconds(90));
        assertThat(WorkerMain.config(base()).lease()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> WorkerMain.config(base("lease-seconds", "1"))).hasMessageContaining("lease-seconds");
    }

    @Test
    void aHandlerTimeoutAtOrAboveTheLeaseIsRefusedAtStart() throws IOException {
        Map<String, String> http = base("handler", "http", "handler-url", "http://127.0.0.1:9/jobs");
        http.put("handler-timeout-seconds", "60");
        assertThatThrownBy(() -> WorkerMain.start(http))
                .hasMessageContaining("handler-timeout-seconds (60) must be below lease-seconds (60)");
        http.put("lease-seconds", "61");
        WorkerMain.start(http).close();
    }

    @Test
    void bindAddressMustBeALiteral() {
        assertThat(WorkerMain.config(base("bind-address", "127.0.0.1")).bindAddress().getHostAddress())
                .isEqualTo("127.0.0.1");
        assertThat(WorkerMain.config(base("bind-address", "::1")).bindAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> WorkerMain.config(base("bind-address", "localhost")))
                .hasMessageContaining("bind-address must be an IP address literal");
    }

    @Test
    void bindAddressLimitsTheWakeAndMetricsPortsToThatAddress() throws Exception {
        // 127.0.0.2 is another loopback address: a wildcard bind answers there, a bind to 127.0.0.1 does not.
        try (WorkerMain.Running everywhere = WorkerMain.start(base(), UnaryOperator.identity(),
                UnaryOperator.identity())) {
            assertThat(connects("127.0.0.2", everywhere.runtime().port())).as("control: wildcard bind").isTrue();
            assertThat(connects("127.0.0.2", everywhere.http().port())).isTrue();
        }
        try (WorkerMain.Running loopback = WorkerMain.start(base("bind-address", "127.0.0.1"),
                UnaryOperator.identity(), UnaryOperator.identity())) {
            assertThat(connects("127.0.0.1", loopback.runtime().port())).isTrue();
            assertThat(connects("127.0.0.1", loopback.http().port())).isTrue();
            assertThat(connects("127.0.0.2", loopback.runtime().port())).isFalse();
            assertThat(connects("127.0.0.2", loopback.http().port())).isFalse();
        }
    }

    @Test
    void shutdownLogsWhatItDrainsAndHowLongItTook() throws IOException {
        try (LogCapture log = new LogCapture()) {
            WorkerMain.start(base()).close();
            assertThat(log.contains("shutting down: 0 job(s) running, 0 tenant poller(s) active; taking wake-ups for "
                    + "0 ms more, then up to 20 s for running jobs")).as(log.lines.toString()).isTrue();
            assertThat(log.lines.stream().anyMatch(l -> l.matches("INFO shut down in \\d+ ms; .*")))
                    .as(log.lines.toString()).isTrue();
        }
    }

    private static boolean connects(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
