package dev.wakeq.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code relay} role as a container runs it: a relay file, probes, a report, and a reload. */
class RelayMainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void binlogRelayRoleStreamsReportsAndPicksUpANewTenantFromItsFile(@TempDir Path dir) throws Exception {
        DbServer db = TestDatabases.mysql8();
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_main_a", inbox);
            RelayTenant b = RelayFixture.tenant(db, "relay_main_b", inbox);
            Path file = dir.resolve("relay.json");
            Files.writeString(file, relayFile(db, a));
            try (RelayMain.Running relay = RelayMain.start(Map.of("relay-file", file.toString(), "metrics-port", "0"))) {
                String base = "http://127.0.0.1:" + relay.http().port();
                await().atMost(WAIT).until(() -> get(base + "/healthz/ready") == 200);
                assertThat(body(base + "/report")).contains("\"streaming\":true").contains("\"tenants\":1")
                        .doesNotContain(DbServer.RELAY_PASSWORD).doesNotContain(a.key());
                assertThat(body(base + "/metrics")).contains("wakeq_relay_connected 1.0");

                // A tenant added to the file gets a sweep at once, and its inserts from then on.
                Files.writeString(file, relayFile(db, a, b));
                await().atMost(WAIT).until(() -> inbox.sweeps(b.key()) == 1);
                RelayFixture.insert(db, b, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(b.key()) == 1);
                assertThat(body(base + "/metrics")).contains("wakeq_relay_wakes_sent_total{kind=\"insert\",} 1.0");
            }
        }
    }

    private static String relayFile(DbServer db, RelayTenant... tenants) {
        StringBuilder list = new StringBuilder();
        for (RelayTenant t : tenants) {
            list.append(list.isEmpty() ? "" : ",").append("""
                    {"key":"%s","name":"%s","schema":"%s","queueTable":"%s","wakeHost":"%s","wakePort":%d}"""
                    .formatted(t.key(), t.name(), t.schema(), t.queueTable(), t.wakeHost(), t.wakePort()));
        }
        return """
                {"version":1,"server":{"host":"%s","port":%d,"user":"%s","password":"%s"},"tenants":[%s]}"""
                .formatted(db.host(), db.port(), DbServer.RELAY_USER, DbServer.RELAY_PASSWORD, list);
    }

    private int get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String body(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
