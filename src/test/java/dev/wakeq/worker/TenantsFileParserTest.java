package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantsFileParserTest {

    private static final String SECRET = "s3cr3t-Passw0rd";

    @Test
    void readsTenantsAndDefaultsTheTables() throws Exception {
        List<TenantConfig> tenants = parse("""
                {"version":1,"tenants":[
                  {"key":"k1","name":"ns/a","jdbcUrl":"jdbc:mysql://db:3306/a","user":"u","password":"%s",
                   "queueTable":"jobs","deadLetterTable":"jobs_graveyard"},
                  {"key":"k2","name":"ns/b","jdbcUrl":"jdbc:mysql://db:3306/b","user":"u","password":""}
                ]}""".formatted(SECRET));
        assertThat(tenants).hasSize(2);
        assertThat(tenants.get(0).queueTable().name()).isEqualTo("jobs");
        assertThat(tenants.get(0).deadLetterTable().name()).isEqualTo("jobs_graveyard");
        assertThat(tenants.get(1).queueTable().name()).isEqualTo("_queue");
        assertThat(tenants.get(1).deadLetterTable().name()).isEqualTo("_queue_dead");
        assertThat(tenants.get(0).toString()).doesNotContain(SECRET).doesNotContain("jdbc:");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"password\":\"s3cr3t-Passw0rd",
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"password\":s3cr3t-Passw0rd}]}",
            "{\"version\":2,\"tenants\":[]}",
            "[]",
            "{\"version\":1}",
            "{\"version\":1,\"tenants\":[{\"key\":\"bad key\",\"name\":\"n\",\"jdbcUrl\":\"jdbc:mysql://h/d\","
                    + "\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\"}]}",
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"name\":\"n\",\"jdbcUrl\":\"jdbc:postgresql://h/d\","
                    + "\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\"}]}",
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"name\":\"n\",\"jdbcUrl\":\"jdbc:mysql://h/d\","
                    + "\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\",\"queueTable\":\"q`; DROP\"}]}",
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"name\":\"n\",\"jdbcUrl\":\"jdbc:mysql://h/d\","
                    + "\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\"},{\"key\":\"k\",\"name\":\"n2\","
                    + "\"jdbcUrl\":\"jdbc:mysql://h/d\",\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\"}]}",
            "{\"version\":1,\"tenants\":[{\"key\":\"k\",\"name\":\"n\",\"user\":\"u\",\"password\":\"s3cr3t-Passw0rd\"}]}"})
    void rejectsBadFilesWithoutQuotingTheirContent(String content) {
        assertThatThrownBy(() -> parse(content))
                .isInstanceOf(TenantsFileParser.InvalidTenantsFileException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("s3cr3t"));
    }

    @Test
    void syntaxErrorsSayWhere() {
        assertThatThrownBy(() -> parse("{\"version\":1,\n\"tenants\":[}"))
                .hasMessageContaining("not valid JSON at line 2");
    }

    private static List<TenantConfig> parse(String text) throws Exception {
        return TenantsFileParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
