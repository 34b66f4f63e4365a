package dev.wakeq.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15's operator re-check: one statement tells a healthy tenant from one whose objects drifted, so the
 * operator runs the six-statement install only when something changed.
 */
class FingerprintOnServerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void unchangedTenantGivesTheSameFingerprintInOneStatement(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("fp_same");
        TenantSpec spec = Fixtures.spec(schema).build();
        Fixtures.Recorder recorder = new Fixtures.Recorder();
        TenantInstaller installer = Fixtures.installer(recorder);
        assertThat(installer.install(spec).hasProblems()).isFalse();

        Fingerprint first = installer.fingerprint(spec).orElseThrow();
        recorder.clear();
        Fingerprint[] read = new Fingerprint[1];
        long serverSide = withGeneralLog(db, () -> countOperatorStatements(db,
                () -> read[0] = installer.fingerprint(spec).orElseThrow()));
        Fingerprint second = read[0];
        assertThat(second.sameAs(first)).as(first + " vs " + second).isTrue();
        assertThat(recorder.statements).hasSize(1);
        System.out.printf("[%s] re-check of a healthy tenant: %d statement by wakeq, %d seen by the server "
                + "(on the kept connection)%n", db, recorder.statements.size(), serverSide);
        assertThat(serverSide).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void droppedTriggerOrDisabledEventChangesIt(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("fp_drift");
        TenantSpec spec = Fixtures.spec(schema).build();
        TenantInstaller installer = Fixtures.installer();
        installer.install(spec);
        Fingerprint healthy = installer.fingerprint(spec).orElseThrow();

        String trigger = ObjectNames.trigger(spec.queueTable()).quoted();
        Fixtures.root(db, "DROP TRIGGER " + schema.name() + "." + trigger);
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(healthy)).isFalse();
        installer.install(spec);
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(healthy)).isTrue();

        String event = ObjectNames.event(spec.queueTable()).quoted();
        // As the operator's account: on MySQL 8 an ALTER by root makes root the definer, which the operator may
        // not alter back (SYSTEM_USER).
        try (Connection c = schema.operator(); Statement s = c.createStatement()) {
            s.execute("ALTER EVENT " + event + " DISABLE");
        }
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(healthy)).isFalse();
        assertThat(installer.install(spec).problems()).isEmpty();
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(healthy)).isTrue();

        Fixtures.root(db, "DROP TABLE " + schema.name() + "._queue_dead");
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(healthy)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void keptConnectionKilledWhileIdleIsReplacedOnce(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("fp_kill");
        TenantSpec spec = Fixtures.spec(schema).build();
        TenantInstaller installer = Fixtures.installer();
        installer.install(spec);
        Fingerprint before = installer.fingerprint(spec).orElseThrow();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            java.util.List<Long> ids = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '"
                    + DbServer.OPERATOR_USER + "'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            assertThat(ids).isNotEmpty();
            for (long id : ids) {
                s.execute("KILL " + id);
            }
        }
        assertThat(installer.fingerprint(spec).orElseThrow().sameAs(before)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void unreachableDatabaseGivesNone(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("fp_none");
        TenantSpec spec = Fixtures.spec(schema).build().withCredentials(DbServer.OPERATOR_USER, "wrong-password");
        assertThat(Fixtures.installer().fingerprint(spec)).isEmpty();
    }

    private interface Work<T> {
        T run() throws Exception;
    }

    private static <T> T withGeneralLog(DbServer db, Work<T> work) throws Exception {
        Fixtures.root(db, "SET GLOBAL log_output = 'TABLE'", "TRUNCATE TABLE mysql.general_log",
                "SET GLOBAL general_log = 'ON'");
        try {
            return work.run();
        } finally {
            Fixtures.root(db, "SET GLOBAL general_log = 'OFF'");
        }
    }

    /** Runs {@code work}, returns how many queries the operator account sent meanwhile (a connect sends three). */
    private static <T> long countOperatorStatements(DbServer db, Work<T> work) throws Exception {
        Timestamp since;
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOW(6)")) {
            rs.next();
            since = rs.getTimestamp(1);
        }
        work.run();
        try (Connection c = db.rootConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM mysql.general_log WHERE event_time >= ? AND command_type = 'Query' "
                        + "AND user_host LIKE ?")) {
            ps.setTimestamp(1, since);
            ps.setString(2, DbServer.OPERATOR_USER + "[%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
