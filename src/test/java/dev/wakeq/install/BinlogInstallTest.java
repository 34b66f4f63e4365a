package dev.wakeq.install;

import static dev.wakeq.install.ObjectReport.Action.CREATED;
import static dev.wakeq.install.ObjectReport.Action.DROPPED;
import static dev.wakeq.install.ObjectReport.Kind.EVENT;
import static dev.wakeq.install.ObjectReport.Kind.FUNCTION;
import static dev.wakeq.install.ObjectReport.Kind.QUEUE_TABLE;
import static dev.wakeq.install.ObjectReport.Kind.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The installer's side of the Binlog wake source, on MariaDB 10.11 and MySQL 8.0. */
class BinlogInstallTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void aBinlogTenantGetsItsTablesAndNoFunctionTriggerEventOrMarks(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("blinst");
        TenantSpec spec = Fixtures.spec(schema).createQueueTable(true).functionVersion("bl_none").build();

        InstallReport report = Fixtures.installer().installBinlog(spec, false);
        assertThat(report.problems()).as(report.toString()).isEmpty();
        assertThat(report.object(QUEUE_TABLE).orElseThrow().action()).isEqualTo(CREATED);
        assertThat(report.object(FUNCTION)).isEmpty();
        assertThat(report.object(TRIGGER)).isEmpty();
        assertThat(Fixtures.functionExists(db, "bl_none")).isFalse();
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='"
                + schema.name() + "' AND TABLE_NAME='" + LoadedSql.TABLE.name() + "'")).isZero();
        // With the relay announcing it, there is nothing to drop either.
        InstallReport announced = Fixtures.installer().installBinlog(spec, true);
        assertThat(announced.problems()).isEmpty();
        assertThat(announced.object(TRIGGER).orElseThrow().found()).isEqualTo(ObjectReport.Found.ABSENT);
    }

    /** Trigger to Binlog: the trigger and event stay until the relay announces the tenant, then both go. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void theTriggerStaysUntilTheRelayAnnouncesTheTenant(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("blswap");
        TenantSpec spec = Fixtures.spec(schema).build();
        TenantInstaller installer = Fixtures.installer();
        assertThat(installer.install(spec).inSync()).isTrue();
        String trigger = ObjectNames.trigger(spec.queueTable()).name();
        String event = ObjectNames.event(spec.queueTable()).name();

        assertThat(installer.installBinlog(spec, false).problems()).isEmpty();
        assertThat(Fixtures.triggerExists(schema, trigger)).isTrue();
        assertThat(Fixtures.eventExists(schema, event)).isTrue();

        InstallReport swapped = installer.installBinlog(spec, true);
        assertThat(swapped.problems()).isEmpty();
        assertThat(swapped.object(TRIGGER).orElseThrow().action()).isEqualTo(DROPPED);
        assertThat(swapped.object(EVENT).orElseThrow().action()).isEqualTo(DROPPED);
        assertThat(Fixtures.triggerExists(schema, trigger)).isFalse();
        assertThat(Fixtures.eventExists(schema, event)).isFalse();
        // The function is server-wide: other tenants may call it.
        assertThat(Fixtures.functionExists(db, spec.functionVersion())).isTrue();
    }
}
