package dev.wakeq.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayFileParserTest {

    private static final String SECRET = "s3cret-Pa55";

    private static RelaySetup parse(String json) throws Exception {
        return RelayFileParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String file(String tenants) {
        return """
                {"version":1,"server":{"host":"db.example","port":3306,"user":"wakeq_relay","password":"%s"},
                 "tenants":[%s]}""".formatted(SECRET, tenants);
    }

    @Test
    void readsServerAndTenantsWithTheDefaultQueueTable() throws Exception {
        RelaySetup setup = parse(file("""
                {"key":"k1","name":"ns/a","schema":"acme","wakeHost":"pool-wake.ns.svc","wakePort":8686},
                {"key":"k2","name":"ns/b","schema":"beta","queueTable":"jobs","wakeHost":"10.0.0.7","wakePort":9000}"""));
        assertThat(setup.server()).isEqualTo(new RelayServer("db.example", 3306, "wakeq_relay", SECRET));
        assertThat(setup.tenants()).containsExactly(
                new RelayTenant("k1", "ns/a", "acme", "_queue", "pool-wake.ns.svc", 8686),
                new RelayTenant("k2", "ns/b", "beta", "jobs", "10.0.0.7", 9000));
        assertThat(setup.server().toString()).doesNotContain(SECRET);
        assertThat(setup.tenants().get(0).toString()).doesNotContain("k1");
    }

    @Test
    void rejectsBadInputNamingThePlaceNeverTheContent() {
        assertThatThrownBy(() -> parse("{\"version\":1,\"server\":{\"host\":\"h\",\"port\":3306,\"user\":\"u\","
                + "\"password\":\"" + SECRET + "\"},\"tenants\":[" + SECRET))
                .hasMessageStartingWith("not valid JSON").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> parse(file("{\"key\":\"k\",\"name\":\"n\",\"schema\":\"a`b\",\"wakeHost\":\"h\","
                + "\"wakePort\":1}"))).hasMessageContaining("tenants[0].schema");
        assertThatThrownBy(() -> parse(file("{\"key\":\"bad key\",\"name\":\"n\",\"schema\":\"a\",\"wakeHost\":\"h\","
                + "\"wakePort\":1}"))).hasMessageContaining("tenants[0]").hasMessageNotContaining("bad key");
        assertThatThrownBy(() -> parse(file("{\"key\":\"k\",\"name\":\"n\",\"schema\":\"a\",\"wakeHost\":\"h\","
                + "\"wakePort\":70000}"))).hasMessageContaining("tenants[0].wakePort");
        assertThatThrownBy(() -> parse(file("""
                {"key":"k","name":"n","schema":"a","wakeHost":"h","wakePort":1},
                {"key":"k","name":"m","schema":"b","wakeHost":"h","wakePort":1}""")))
                .hasMessageContaining("tenants[1].key: duplicate key");
        assertThatThrownBy(() -> parse("{\"version\":2}")).hasMessageContaining("\"version\" must be 1");
    }
}
