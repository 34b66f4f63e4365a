package dev.wakeq.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation happens while the spec is built, names the field, and never echoes the password. */
class TenantSpecTest {

    private static final String SECRET = "s3cret-pw-xyz";

    static TenantSpec.Builder valid() {
        return TenantSpec.builder().database("db.tenants.svc", 3306, "tenant_1").credentials("wakeq", SECRET)
                .wakeTarget("10.0.0.5", 8686).tenantKey("k-1.a_B").functionVersion("v1");
    }

    @Test
    void defaults() {
        TenantSpec spec = valid().build();
        assertThat(spec.queueTable().name()).isEqualTo("_queue");
        assertThat(spec.deadLetterTable().name()).isEqualTo("_queue_dead");
        assertThat(spec.sweepMinutes()).isEqualTo(5);
        assertThat(spec.createQueueTable()).isFalse();
    }

    @Test
    void passwordNeverInToStringOrErrors() {
        assertThat(valid().build().toString()).doesNotContain(SECRET).contains("password=***");
        assertThatThrownBy(() -> valid().wakeTarget("nope", 1).build()).hasMessageNotContaining(SECRET);
    }

    @Test
    void hostileQueueTableIsRejectedBeforeAnyConnectionOrStatement() {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger statements = new AtomicInteger();
        TenantInstaller installer = new TenantInstaller(spec -> {
            connections.incrementAndGet();
            throw new AssertionError("no connection may be opened");
        }, (sql, params) -> statements.incrementAndGet());
        assertThatThrownBy(() -> installer.install(valid().queueTable("_queue`; DROP TABLE x; -- ").build()))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("queueTable");
                    // The field is named once (it was "queueTable: queueTable '...'").
                    assertThat(e.getMessage()).startsWith("queueTable: '").containsOnlyOnce("queueTable");
                });
        assertThat(connections).hasValue(0);
        assertThat(statements).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4 ", ".1::",
        "fe80::1%eth0", "::g", "1:2:3:4:5:6:7:8:9", "'; DROP", ""})
    void wakeHostMustBeAnIpLiteral(String host) {
        assertRejected(b -> b.wakeTarget(host, 8686), "wakeHost");
    }

    @Test
    void ipv6IsCanonicalized() {
        assertThat(valid().wakeTarget("FD00:0::5", 8686).build().wakeHost()).isEqualTo("fd00:0:0:0:0:0:0:5");
        assertThat(valid().wakeTarget("::1", 8686).build().wakeHost()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(valid().wakeTarget("192.168.1.20", 8686).build().wakeHost()).isEqualTo("192.168.1.20");
    }

    @Test
    void everyFieldIsNamed() {
        assertRejected(b -> b.database("h/x?allowLoadLocalInfile=true", 3306, "s"), "dbHost");
        assertRejected(b -> b.database("h", 0, "s"), "dbPort");
        assertRejected(b -> b.database("h", 3306, "a.b"), "schema");
        assertRejected(b -> b.credentials("", "x"), "user");
        assertRejected(b -> b.credentials("u", null), "password");
        assertRejected(b -> b.queueTable("q q"), "queueTable");
        assertRejected(b -> b.deadLetterTable("d'"), "deadLetterTable");
        assertRejected(b -> b.deadLetterTable("_queue"), "deadLetterTable");
        assertRejected(b -> b.wakeTarget("10.0.0.1", 65536), "wakePort");
        assertRejected(b -> b.tenantKey("a'b"), "tenantKey");
        assertRejected(b -> b.tenantKey("x".repeat(65)), "tenantKey");
        assertRejected(b -> b.functionVersion("V1"), "functionVersion");
        assertRejected(b -> b.functionVersion("v1'"), "functionVersion");
        assertRejected(b -> b.sweepMinutes(0), "sweepMinutes");
        assertRejected(b -> b.sweepMinutes(1441), "sweepMinutes");
    }

    @Test
    void objectNamesAreDeterministicAndFit() {
        var q = dev.wakeq.sql.SqlIdentifier.of("t", "_queue");
        assertThat(ObjectNames.trigger(q).name()).isEqualTo("wakeq_wake___queue");
        assertThat(ObjectNames.event(q).name()).isEqualTo("wakeq_sweep___queue");
        assertThat(ObjectNames.function("v1").name()).isEqualTo("wakeq_notify_v1");
        assertThat(ObjectNames.library("v1")).isEqualTo("libwakeq_notify_v1.so");
        String longA = "a".repeat(60) + "_one";
        String longB = "a".repeat(60) + "_two";
        var a = ObjectNames.event(dev.wakeq.sql.SqlIdentifier.of("t", longA));
        var b = ObjectNames.event(dev.wakeq.sql.SqlIdentifier.of("t", longB));
        assertThat(a.name()).hasSize(64).isNotEqualTo(b.name());
        assertThat(ObjectNames.event(dev.wakeq.sql.SqlIdentifier.of("t", longA))).isEqualTo(a);
        // Event names are case-insensitive, table names are not: Jobs and jobs need different events.
        assertThat(ObjectNames.event(dev.wakeq.sql.SqlIdentifier.of("t", "Jobs")).name())
                .isNotEqualToIgnoringCase(ObjectNames.event(dev.wakeq.sql.SqlIdentifier.of("t", "jobs")).name());
    }

    private static void assertRejected(UnaryOperator<TenantSpec.Builder> change, String field) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageNotContaining(SECRET);
    }
}
