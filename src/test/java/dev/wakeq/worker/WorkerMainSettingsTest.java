package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker command line understands exactly what the operator's worker Deployment passes it. */
class WorkerMainSettingsTest {

    @Test
    void readsTheSettingsTheWorkerDeploymentSets() {
        WorkerConfig c = WorkerMain.config(Map.of("port", "9000", "idle-timeout-seconds", "42",
                "max-attempts", "7", "worker-id", "pod-a", "commit-poll-micros", "600",
                "tenants-file", "/etc/wakeq/tenants.json"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(42));
        assertThat(c.maxAttempts()).isEqualTo(7);
        assertThat(c.workerId()).isEqualTo("pod-a");
        assertThat(c.commitPollInterval()).isEqualTo(Duration.ofNanos(600_000));
        assertThat(WorkerMain.config(Map.of("tenants-file", "/t")).commitPollInterval())
                .isEqualTo(WorkerConfig.builder().build().commitPollInterval());
    }

    @Test
    void theCrdHandlerTypeLogSelectsTheLoggingHandler() {
        assertThat(WorkerMain.handler(Map.of("handler", "log"))).isInstanceOf(LoggingJobHandler.class);
        assertThat(WorkerMain.handler(Map.of("handler", "http", "handler-url", "http://127.0.0.1:1/jobs")))
                .isInstanceOf(HttpJobHandler.class);
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> WorkerMain.config(Map.of("idle-timeout-seconds", "soon", "tenants-file", "/t")))
                .hasMessageContaining("idle-timeout-seconds");
        assertThatThrownBy(() -> WorkerMain.config(Map.of("commit-poll-micros", "6000", "tenants-file", "/t")))
                .hasMessageContaining("commit-poll-micros");
        assertThatThrownBy(() -> WorkerMain.handler(Map.of("handler", "smtp")))
                .hasMessageContaining("logging or http");
        assertThatThrownBy(() -> WorkerMain.start(Map.of("tenants-file", "/t", "metrics-port", "70000")))
                .hasMessageContaining("metrics-port");
    }
}
