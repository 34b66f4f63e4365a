package dev.wakeq.operator.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.relay.RelayFileParser;
import dev.wakeq.relay.RelayServer;
import dev.wakeq.relay.RelaySetup;
import dev.wakeq.relay.RelayTenant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator writes for a relay, without an API server: the relay file, the Deployment, the verdict. */
class RelayDesiredStateTest {

    private static final RelayNames NAMES = new RelayNames("ns", "mysql.db.svc", 3306, "relay-db");

    @Test
    void theRelayFileRoundTripsThroughTheRelaysOwnParserInNameOrder() throws Exception {
        RelayServer server = new RelayServer("mysql.db.svc", 3306, "wakeq_relay", "s3cret");
        RelayTenant b = new RelayTenant("kb", "ns/b", "schema_b", "_queue", "10.0.0.7", 8686);
        RelayTenant a = new RelayTenant("ka", "ns/a", "schema_a", "jobs", "10.0.0.8", 8687);
        byte[] file = RelayFileJson.write(server, List.of(b, a));

        RelaySetup setup = RelayFileParser.parse(file);
        assertThat(setup.server()).isEqualTo(server);
        assertThat(setup.tenants()).containsExactly(a, b);
        assertThat(RelayFileJson.write(server, List.of(a, b))).isEqualTo(file);
    }

    @Test
    void theDeploymentRunsTheRelayRoleLikeAWorkerWithItsFileFromItsSecret() {
        Deployment d = RelayDeployment.desired(NAMES, "ghcr.io/wakeq/wakeq:1", 300);
        assertThat(d.getMetadata().getName()).isEqualTo(NAMES.name()).startsWith("wakeq-relay-").hasSize(24);
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(NAMES.selectorLabels());
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/wakeq/wakeq:1");
        assertThat(c.getArgs()).containsExactly("relay");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz/live");
        assertThat(c.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("metrics"));
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("WAKEQ_RELAY_FILE");
            assertThat(e.getValue()).isEqualTo("/etc/wakeq/relay/relay.json");
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(NAMES.name()));
        // Deterministic: the same inputs give the same object (no needless rollout).
        assertThat(RelayDeployment.desired(NAMES, "ghcr.io/wakeq/wakeq:1", 300)).isEqualTo(d);
    }

    @Test
    void oneRelayPerServerAndAccountSecret() {
        assertThat(new RelayNames("ns", "mysql.db.svc", 3306, "relay-db").name()).isEqualTo(NAMES.name());
        assertThat(new RelayNames("ns", "mysql.db.svc", 3307, "relay-db").name()).isNotEqualTo(NAMES.name());
        assertThat(new RelayNames("ns", "mysql.db.svc", 3306, "other").name()).isNotEqualTo(NAMES.name());
    }

    @Test
    void aTenantIsAnnouncedOnlyWhenEveryAnsweringPodStreamsAndListsIt() throws Exception {
        RelayReports.Report listing = RelayReports.parse(("{\"streaming\":true,\"problem\":null,\"message\":\"m\","
                + "\"since\":\"2026-01-01T00:00:00Z\",\"tenants\":1,\"tenantNames\":[\"ns/a\"]}")
                .getBytes(StandardCharsets.UTF_8));
        RelayReports.Report other = new RelayReports.Report(true, null, "m", Set.of("ns/b"));
        RelayReports.Report down = RelayReports.parse(("{\"streaming\":false,\"problem\":\"BinlogFormat\","
                + "\"message\":\"binlog_format is MIXED\",\"tenants\":0,\"tenantNames\":[]}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(RelayReports.judge(List.of(listing), NAMES, "ns/a").ok()).isTrue();
        assertThat(RelayReports.judge(List.of(listing), NAMES, "ns/a").reason()).isEqualTo("Streaming");
        assertThat(RelayReports.judge(List.of(), NAMES, "ns/a").reason()).isEqualTo("RelayNotRunning");
        assertThat(RelayReports.judge(List.of(other), NAMES, "ns/a").reason()).isEqualTo("NotYetRegistered");
        // A rollout: the old pod lists the tenant, the new one not yet.
        assertThat(RelayReports.judge(List.of(listing, other), NAMES, "ns/a").ok()).isFalse();
        RelayReports.Verdict format = RelayReports.judge(List.of(down), NAMES, "ns/a");
        assertThat(format.ok()).isFalse();
        assertThat(format.reason()).isEqualTo("BinlogFormat");
        assertThat(format.message()).contains("binlog_format is MIXED");
    }
}
