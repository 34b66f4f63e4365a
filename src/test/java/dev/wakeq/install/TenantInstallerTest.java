package dev.wakeq.install;

import static dev.wakeq.install.ObjectReport.Action.ALTERED;
import static dev.wakeq.install.ObjectReport.Action.CREATED;
import static dev.wakeq.install.ObjectReport.Action.DROPPED;
import static dev.wakeq.install.ObjectReport.Action.NONE;
import static dev.wakeq.install.ObjectReport.Action.REPLACED;
import static dev.wakeq.install.ObjectReport.Action.SKIPPED;
import static dev.wakeq.install.ObjectReport.Found.OUTDATED;
import static dev.wakeq.install.ObjectReport.Kind.DEAD_LETTER_TABLE;
import static dev.wakeq.install.ObjectReport.Kind.EVENT;
import static dev.wakeq.install.ObjectReport.Kind.OLD_FUNCTION;
import static dev.wakeq.install.ObjectReport.Kind.QUEUE_TABLE;
import static dev.wakeq.install.ObjectReport.Kind.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** install / inspect / uninstall against real MariaDB 10.11 and MySQL 8.0. */
class TenantInstallerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void installsEverythingThenNothingTheSecondTime(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("inst");
        TenantSpec spec = Fixtures.spec(schema).build();
        Fixtures.Recorder recorder = new Fixtures.Recorder();
        TenantInstaller installer = Fixtures.installer(recorder);

        InstallReport first = installer.install(spec);
        assertThat(first.problems()).isEmpty();
        assertThat(first.inSync()).as(first.toString()).isTrue();
        assertThat(first.object(QUEUE_TABLE).orElseThrow().action()).isEqualTo(CREATED);
        assertThat(first.object(DEAD_LETTER_TABLE).orElseThrow().action()).isEqualTo(CREATED);
        assertThat(first.object(TRIGGER).orElseThrow().action()).isEqualTo(CREATED);
        assertThat(first.object(EVENT).orElseThrow().action()).isEqualTo(CREATED);
        int firstStatements = recorder.statements.size();

        recorder.clear();
        InstallReport second = installer.install(spec);
        assertThat(second.inSync()).as(second.toString()).isTrue();
        assertThat(second.objects()).allSatisfy(o -> assertThat(o.action()).isEqualTo(NONE));
        assertThat(recorder.statements).allSatisfy(sql -> assertThat(sql.strip()).startsWithIgnoringCase("SELECT"));
        System.out.printf("%s: queries per install: first %d, steady state %d%n", db, firstStatements,
                second.statements());
        // Settings, tables, function, the loaded mark (on MariaDB with the function's answer), trigger, event.
        assertThat(second.statements()).isEqualTo(recorder.statements.size()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void triggerAndEventSendWakeUps(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("wake");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = Fixtures.spec(schema).wakeTarget("127.0.0.1", receiver.port()).sweepMinutes(1)
                    .tenantKey("key-" + schema.name()).build();
            assertThat(Fixtures.installer().install(spec).problems()).isEmpty();
            // An EVERY event without STARTS runs once at creation, and the installer sweeps once when it marks the
            // function loaded: sweeps arrive without waiting a minute.
            assertThat(receiver.next(15)).isEqualTo("tcp WQ1 S key-" + schema.name() + "\n");
            try (Connection c = schema.worker(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO _queue (payload) VALUES ('job')");
            }
            String received = receiver.next(10);
            while (received != null && received.startsWith("tcp")) {
                received = receiver.next(10);
            }
            assertThat(received).isEqualTo("udp WQ1 I key-" + schema.name() + "\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void inspectReportsDriftAndInstallRepairsIt(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("drift");
        TenantSpec spec = Fixtures.spec(schema).build();
        TenantInstaller installer = Fixtures.installer();
        installer.install(spec);
        assertThat(installer.inspect(spec).inSync()).isTrue();

        TenantSpec moved = spec.withWakeTarget("fd00::42", 8687).withSweepMinutes(7);
        Fixtures.Recorder recorder = new Fixtures.Recorder();
        InstallReport drift = Fixtures.installer(recorder).inspect(moved);
        assertThat(drift.inSync()).isFalse();
        assertThat(drift.object(TRIGGER).orElseThrow()).satisfies(o -> {
            assertThat(o.found()).isEqualTo(OUTDATED);
            assertThat(o.action()).isEqualTo(SKIPPED);
        });
        assertThat(drift.object(EVENT).orElseThrow().found()).isEqualTo(OUTDATED);
        assertThat(recorder.statements).allSatisfy(sql -> assertThat(sql.strip()).startsWithIgnoringCase("SELECT"));

        InstallReport repaired = installer.install(moved);
        assertThat(repaired.object(TRIGGER).orElseThrow().action()).isEqualTo(REPLACED);
        assertThat(repaired.object(EVENT).orElseThrow().action()).isEqualTo(ALTERED);
        assertThat(installer.inspect(moved).inSync()).isTrue();
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='"
                + schema.name() + "' AND INTERVAL_VALUE='7' AND EVENT_DEFINITION LIKE '%fd00:0:0:0:0:0:0:42%'"))
                .isEqualTo(1);
    }

    /**
     * The previous release's trigger called the function without asking whether it is loaded (LoadedSql); an
     * upgraded installer finds that body outdated and swaps it once for the guarded one, which wakes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void aTriggerOfThePreviousReleaseIsReplacedOnce(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("upgr");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = Fixtures.spec(schema).wakeTarget("127.0.0.1", receiver.port()).tenantKey("upgr").build();
            TenantInstaller installer = Fixtures.installer();
            assertThat(installer.install(spec).inSync()).isTrue();
            String trigger = ObjectNames.trigger(spec.queueTable()).quoted();
            String unguarded = "BEGIN DO " + TriggerSql.CALL.formatted(ObjectNames.function(spec.functionVersion())
                    .name(), spec.wakeHost(), spec.wakePort(), spec.tenantKey()) + "; END";
            String schemaName = spec.schema().quoted();
            Fixtures.root(db, "DROP TRIGGER " + schemaName + "." + trigger,
                    TriggerSql.CREATE.formatted(schemaName, trigger, schemaName, spec.queueTable().quoted(),
                            unguarded));

            assertThat(installer.inspect(spec).object(TRIGGER).orElseThrow().found()).isEqualTo(OUTDATED);
            assertThat(installer.install(spec).object(TRIGGER).orElseThrow().action()).isEqualTo(REPLACED);
            assertThat(installer.install(spec).object(TRIGGER).orElseThrow().action()).isEqualTo(NONE);
            try (Connection c = schema.worker(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO _queue (payload) VALUES ('job')");
            }
            String received = receiver.next(10);
            while (received != null && received.startsWith("tcp")) { // the event's sweeps
                received = receiver.next(10);
            }
            assertThat(received).isEqualTo("udp WQ1 I upgr\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void uninstallKeepsQueueTableAndRows(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("uninst");
        TenantSpec spec = Fixtures.spec(schema).build();
        TenantInstaller installer = Fixtures.installer();
        installer.install(spec);
        try (Connection c = schema.worker(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO _queue (payload) VALUES ('keep me')");
        }
        InstallReport report = installer.uninstall(spec);
        assertThat(report.object(TRIGGER).orElseThrow().action()).isEqualTo(DROPPED);
        assertThat(report.object(EVENT).orElseThrow().action()).isEqualTo(DROPPED);
        assertThat(Fixtures.triggerExists(schema, "wakeq_wake___queue")).isFalse();
        assertThat(Fixtures.eventExists(schema, "wakeq_sweep___queue")).isFalse();
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM `" + schema.name() + "`._queue")).isEqualTo(1);
        assertThat(Fixtures.functionExists(db, spec.functionVersion())).isTrue();
        InstallReport again = installer.uninstall(spec);
        assertThat(again.objects()).as(again.toString()).allSatisfy(o -> assertThat(o.action()).isEqualTo(NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void twoQueueTablesInOneSchemaGetTheirOwnObjects(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("two");
        TenantInstaller installer = Fixtures.installer();
        TenantSpec first = Fixtures.spec(schema).queueTable("jobs").build();
        TenantSpec second = Fixtures.spec(schema).queueTable("mails").tenantKey("other").build();
        assertThat(installer.install(first).inSync()).isTrue();
        assertThat(installer.install(second).inSync()).isTrue();
        assertThat(installer.inspect(first).inSync()).isTrue();
        assertThat(Fixtures.triggerExists(schema, "wakeq_wake__jobs")).isTrue();
        assertThat(Fixtures.triggerExists(schema, "wakeq_wake__mails")).isTrue();
        assertThat(Fixtures.eventExists(schema, "wakeq_sweep__jobs")).isTrue();
        assertThat(Fixtures.eventExists(schema, "wakeq_sweep__mails")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void usesAnExistingQueueTableWithoutCreatingOne(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("own");
        Fixtures.root(db, "CREATE TABLE `" + schema.name() + "`.my_jobs (id INT PRIMARY KEY, payload TEXT)");
        TenantSpec spec = Fixtures.spec(schema).queueTable("my_jobs").createQueueTable(false).build();
        InstallReport report = Fixtures.installer().install(spec);
        assertThat(report.inSync()).as(report.toString()).isTrue();
        assertThat(report.object(QUEUE_TABLE).orElseThrow().action()).isEqualTo(NONE);
        assertThat(report.object(DEAD_LETTER_TABLE).orElseThrow().action()).isEqualTo(NONE);
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='"
                + schema.name() + "' AND TABLE_NAME <> '_wakeq_loaded'")).isEqualTo(1);
    }

    /**
     * Tenants of one server are reconciled in parallel, so two installers can both find the old function unused
     * and both drop it. The one that comes second must not report a problem (it did: MySQL answers the second
     * DROP FUNCTION IF EXISTS with 1128, MariaDB looks for a stored function instead and, lacking ALTER ROUTINE,
     * answers 1370). The listener plays the other installer, dropping the function just before this one does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void anOldFunctionAnotherInstallerDroppedFirstIsNoProblem(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("race");
        TenantSpec old = Fixtures.spec(schema, "race_a").build();
        TenantSpec next = Fixtures.spec(schema, "race_b").build();
        assertThat(Fixtures.installer().install(old).inSync()).isTrue();
        StatementListener otherInstaller = (sql, bound) -> {
            if (sql.startsWith("DROP FUNCTION")) {
                try {
                    Fixtures.root(db, sql);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        InstallReport report = Fixtures.installer(otherInstaller).install(next);
        assertThat(report.problems()).as(report.toString()).isEmpty();
        assertThat(report.object(OLD_FUNCTION).orElseThrow().action()).as(report.toString()).isEqualTo(NONE);
        assertThat(Fixtures.functionExists(db, "race_a")).isFalse();
    }
}
