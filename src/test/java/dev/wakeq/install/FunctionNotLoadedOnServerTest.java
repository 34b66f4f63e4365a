package dev.wakeq.install;

import static dev.wakeq.install.ObjectReport.Kind.FUNCTION_LOADED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18: a server restarted while a function's library is missing lists the function but has no code behind it
 * (MySQL 8.0 dies of signal 11 at the first call, MariaDB fails the caller with 1305; LibraryPruneOnServerTest shows
 * both). With the loaded marks the restart disarms every trigger and event before they can run, so inserts and the
 * sweep event go on with the server up (same process id), the installer reports FunctionNotLoaded, and once the
 * library is back the installer loads the function again and wake-ups resume. Each test uses a function version of
 * its own and restarts the shared server with that library removed.
 */
class FunctionNotLoadedOnServerTest {

    private static final AtomicInteger VERSIONS = new AtomicInteger();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void aMissingLibraryAtRestartIsNeverCalledAndComesBackWhenPutBack(DbServer db) throws Exception {
        String version = "nl" + VERSIONS.incrementAndGet();
        TestSchema schema = db.newSchema("notloaded");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = installed(schema, version, receiver, "nl-" + version);
            TenantInstaller installer = Fixtures.installer();
            insert(schema, 1);
            assertThat(nextUdp(receiver)).isEqualTo("udp WQ1 I nl-" + version + "\n");
            // The sweep fires every second from here on, so it runs right after the restart, before any check.
            sweepEverySecond(schema, spec);

            Fixtures.deleteLibraryByHand(db, version);
            db.restart();
            long pid = db.pid();
            Instant restarted = Instant.now();

            insert(schema, 20);
            awaitEventRunAfter(db, schema, spec, restarted);
            assertThat(db.pid()).as("no crash").isEqualTo(pid);
            assertThat(rows(schema)).isEqualTo(21);

            InstallReport notLoaded = installer.install(spec);
            assertThat(notLoaded.problem(Reason.FunctionNotLoaded)).as(notLoaded.toString()).isPresent();
            assertThat(notLoaded.problem(Reason.FunctionNotLoaded).orElseThrow().message())
                    .contains("libwakeq_notify_" + version + ".so").contains("Put the file there");
            assertThat(notLoaded.object(FUNCTION_LOADED).orElseThrow().desiredAfterRun()).isFalse();
            insert(schema, 5);
            assertThat(db.pid()).as("no crash after the check").isEqualTo(pid);
            assertThat(rows(schema)).isEqualTo(26);
            assertThat(drainUdp(receiver)).as("no wake-up while the function is not loaded").isZero();

            Fixtures.library(db, version);
            // Put back: one run re-creates (or, after a failed repair dropped it, creates) the function and marks it.
            InstallReport back = installer.install(spec);
            assertThat(back.problems()).as(back.toString()).isEmpty();
            assertThat(back.object(FUNCTION_LOADED).orElseThrow().desiredAfterRun()).isTrue();
            insert(schema, 1);
            assertThat(nextUdp(receiver)).isEqualTo("udp WQ1 I nl-" + version + "\n");
            assertThat(db.pid()).as("no crash at all").isEqualTo(pid);
        }
    }

    /**
     * The library is back before the installer first looks: the function is still the dead entry from start-up (on
     * MySQL), so the installer drops and creates it again in one run, which loads it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void aFunctionNotLoadedAtStartIsReloadedInOneRunOnceItsLibraryIsBack(DbServer db) throws Exception {
        String version = "nl" + VERSIONS.incrementAndGet();
        TestSchema schema = db.newSchema("reload");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = installed(schema, version, receiver, "rl-" + version);
            TenantInstaller installer = Fixtures.installer();

            Fixtures.deleteLibraryByHand(db, version);
            db.restart();
            long pid = db.pid();
            insert(schema, 3);
            Fixtures.library(db, version);

            InstallReport report = installer.install(spec);
            assertThat(report.problems()).as(report.toString()).isEmpty();
            ObjectReport loaded = report.object(FUNCTION_LOADED).orElseThrow();
            assertThat(loaded.detail()).as(loaded.toString()).contains(db.isMariaDb() ? "" : "created again");
            insert(schema, 1);
            assertThat(nextUdp(receiver)).isEqualTo("udp WQ1 I rl-" + version + "\n");
            assertThat(db.pid()).isEqualTo(pid);
            assertThat(installer.install(spec).object(FUNCTION_LOADED).orElseThrow().action())
                    .isEqualTo(ObjectReport.Action.NONE);
        }
    }

    /**
     * Two tenants of one server while their function is not loaded, both with inserts (which opens their triggers).
     * The first one's run re-creates the function once the file is back; the second one's next run, told its last run
     * found the function not loaded, swaps its trigger for an identical one. On MariaDB that is what makes it wake
     * again: its trigger kept the parse from while the function was not loaded (checked first, without the renewal).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void aSecondTenantRenewsItsTriggerWhenTheFunctionIsBack(DbServer db) throws Exception {
        String version = "nl" + VERSIONS.incrementAndGet();
        TestSchema first = db.newSchema("renew_a");
        TestSchema second = db.newSchema("renew_b");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec a = installed(first, version, receiver, "ra-" + version);
            TenantSpec b = installed(second, version, receiver, "rb-" + version);
            TenantInstaller installer = Fixtures.installer();
            Fixtures.deleteLibraryByHand(db, version);
            db.restart();
            insert(first, 1);
            insert(second, 1);
            assertThat(installer.install(b).problem(Reason.FunctionNotLoaded)).isPresent();
            Fixtures.library(db, version);
            assertThat(installer.install(a).problems()).isEmpty();
            drainUdp(receiver);
            if (db.isMariaDb()) {
                assertThat(installer.install(b).problems()).isEmpty();
                insert(second, 1);
                assertThat(drainUdp(receiver)).as("the old parse still calls a stored function").isZero();
            }
            InstallReport renewed = installer.install(b, true);
            assertThat(renewed.problems()).as(renewed.toString()).isEmpty();
            drainUdp(receiver);
            insert(second, 1);
            assertThat(nextUdp(receiver)).isEqualTo("udp WQ1 I rb-" + version + "\n");
        }
    }

    /**
     * An ordinary restart (library in place). MySQL 8: it empties the marks too; without any installer run the sweep
     * event checks the function itself, marks it and sweeps, so wake-ups come back within one sweep interval on their
     * own (the event runs every second here). MariaDB has no marks: wake-ups work right after the start.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void afterARestartTheSweepEventAloneMarksALoadedFunctionAgain(DbServer db) throws Exception {
        String version = "nl" + VERSIONS.incrementAndGet();
        TestSchema schema = db.newSchema("remark");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = installed(schema, version, receiver, "rm-" + version);
            sweepEverySecond(schema, spec);
            db.restart();
            long pid = db.pid();
            long restarted = System.nanoTime();
            if (!db.isMariaDb()) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> marks(schema) == 1);
                System.out.printf("%s: marked again by the sweep event %d ms after the restart%n", db,
                        Duration.ofNanos(System.nanoTime() - restarted).toMillis());
            }
            drainUdp(receiver);
            insert(schema, 1);
            assertThat(nextUdp(receiver)).isEqualTo("udp WQ1 I rm-" + version + "\n");
            assertThat(db.pid()).isEqualTo(pid);
            // No event left firing every second on the shared server.
            assertThat(Fixtures.installer().uninstall(spec).hasProblems()).isFalse();
        }
    }

    /** Installs a tenant on {@code version} that wakes {@code receiver} with {@code key}. */
    private static TenantSpec installed(TestSchema schema, String version, WakeReceiver receiver, String key)
            throws Exception {
        TenantSpec spec = Fixtures.spec(schema, version).wakeTarget("127.0.0.1", receiver.port()).tenantKey(key)
                .build();
        assertThat(Fixtures.installer().install(spec).inSync()).isTrue();
        return spec;
    }

    /**
     * As the operator account: an event root altered gets root as definer, which the operator may not alter back.
     */
    private static void sweepEverySecond(TestSchema schema, TenantSpec spec) throws SQLException {
        String event = "`" + schema.name() + "`.`" + ObjectNames.event(spec.queueTable()).name() + "`";
        try (Connection c = schema.operator(); Statement s = c.createStatement()) {
            s.execute("ALTER EVENT " + event + " ON SCHEDULE EVERY 1 SECOND");
        }
    }

    /**
     * MySQL 8: a marks table someone converted to InnoDB would keep its marks across a restart; the installer reports
     * it and marks nothing, and a MEMORY table again is used at once.
     */
    @Test
    void aMarksTableThatIsNotMemoryIsReportedOnMySql8() throws Exception {
        DbServer db = TestDatabases.mysql8();
        String version = "nl" + VERSIONS.incrementAndGet();
        TestSchema schema = db.newSchema("engine");
        try (WakeReceiver receiver = new WakeReceiver()) {
            TenantSpec spec = installed(schema, version, receiver, "en-" + version);
            String table = "`" + schema.name() + "`._wakeq_loaded";
            Fixtures.root(db, "ALTER TABLE " + table + " ENGINE=InnoDB", "TRUNCATE TABLE " + table);
            InstallReport report = Fixtures.installer().install(spec);
            assertThat(report.problem(Reason.MarksTableNotMemory)).as(report.toString()).isPresent()
                    .hasValueSatisfying(p -> assertThat(p.message()).contains("ENGINE=MEMORY"));
            assertThat(marks(schema)).isZero();
            Fixtures.root(db, "ALTER TABLE " + table + " ENGINE=MEMORY");
            assertThat(Fixtures.installer().install(spec).problems()).isEmpty();
            assertThat(marks(schema)).isEqualTo(1);
        }
    }

    private static long marks(TestSchema schema) throws SQLException {
        return Fixtures.count(schema.server(), "SELECT COUNT(*) FROM `" + schema.name() + "`._wakeq_loaded");
    }

    private static void insert(TestSchema schema, int rows) throws SQLException {
        try (Connection c = schema.worker(); Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                s.executeUpdate("INSERT INTO _queue (payload) VALUES ('job')");
            }
        }
    }

    private static long rows(TestSchema schema) throws SQLException {
        return Fixtures.count(schema.server(), "SELECT COUNT(*) FROM `" + schema.name() + "`._queue");
    }

    /** Waits until the server's event scheduler ran the tenant's sweep event after {@code since}. */
    private static void awaitEventRunAfter(DbServer db, TestSchema schema, TenantSpec spec, Instant since)
            throws Exception {
        String sql = "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + schema.name()
                + "' AND EVENT_NAME = '" + ObjectNames.event(spec.queueTable()).name()
                + "' AND LAST_EXECUTED >= NOW() - INTERVAL " + (Duration.between(since, Instant.now()).toSeconds()
                + 1) + " SECOND";
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Fixtures.count(db, sql) == 1);
    }

    private static String nextUdp(WakeReceiver receiver) throws InterruptedException {
        String received = receiver.next(10);
        while (received != null && received.startsWith("tcp")) {
            received = receiver.next(10);
        }
        return received;
    }

    private static int drainUdp(WakeReceiver receiver) throws InterruptedException {
        int udp = 0;
        for (String r = receiver.next(1); r != null; r = receiver.next(1)) {
            udp += r.startsWith("udp") ? 1 : 0;
        }
        return udp;
    }
}
