package dev.wakeq.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.jdbc.exceptions.CommunicationsException;
import dev.wakeq.testbed.DbServer;
import java.io.IOException;
import dev.wakeq.testbed.TestSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What deleting a loaded library's file does to a running server, on MariaDB 10.11 and MySQL 8.0: the loaded function
 * keeps working (the server's mapping holds the inode), and loading that version again fails with an SQL error, not a
 * crash. A function whose file is gone when the server restarts is another matter (second test), which is why a
 * release prunes a version only after its function was dropped (docs/operations.md, "Releasing a function version"),
 * and why {@code wakeq-install --prune-except} refuses a library the server's mysql.func still lists: both tests
 * check that refusal and then delete the file by hand.
 */
class LibraryPruneOnServerTest {

    /** ER_CANT_OPEN_LIBRARY: the file named in SONAME cannot be opened. */
    private static final int ER_CANT_OPEN_LIBRARY = 1126;
    /** "FUNCTION x does not exist". */
    private static final int ER_SP_DOES_NOT_EXIST = 1305;
    private static final String GONE = "prune_gone";
    private static final String KEPT = "prune_kept";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void aLoadedLibraryWorksAfterItsFileIsDeletedAndCannotBeLoadedAgain(DbServer db) throws Exception {
        Fixtures.library(db, GONE);
        Fixtures.library(db, KEPT);
        String create = "CREATE FUNCTION wakeq_notify_" + GONE + " RETURNS INTEGER SONAME 'libwakeq_notify_" + GONE
                + ".so'";
        Fixtures.root(db, create);
        try (WakeReceiver receiver = new WakeReceiver()) {
            assertThat(call(db, receiver.port(), "before-prune")).isZero();
            assertThat(receiver.next(10)).isEqualTo("udp WQ1 I before-prune\n");

            // wakeq-install refuses while mysql.func lists the function (exit 65); the file goes by hand instead.
            assertThatThrownBy(() -> Fixtures.pruneLibrary(db, GONE)).isInstanceOf(IOException.class)
                    .hasMessageContaining("still lists a function loading libwakeq_notify_" + GONE + ".so");
            assertThat(db.pluginDir().resolve("libwakeq_notify_" + GONE + ".so")).exists();
            Fixtures.deleteLibraryByHand(db, GONE);
            assertThat(db.pluginDir().resolve("libwakeq_notify_" + GONE + ".so")).doesNotExist();
            assertThat(db.pluginDir().resolve("libwakeq_notify_" + KEPT + ".so")).exists();

            // The loaded function still runs, from a new session too: the mapping outlives the name.
            assertThat(call(db, receiver.port(), "after-prune")).isZero();
            assertThat(receiver.next(10)).isEqualTo("udp WQ1 I after-prune\n");
        }

        Fixtures.root(db, "DROP FUNCTION wakeq_notify_" + GONE);
        assertThatThrownBy(() -> Fixtures.root(db, create))
                .isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(ER_CANT_OPEN_LIBRARY));
        assertThat(Fixtures.count(db, "SELECT 1")).as("the server is still up").isEqualTo(1);
        assertThat(Fixtures.functionExists(db, GONE)).isFalse();
    }

    /**
     * Why pruning waits for the drop: at a restart the server reloads every function in {@code mysql.func}, and
     * one whose file is gone cannot be loaded. MariaDB then answers a trigger's call with error 1305; MySQL
     * 8.0.31 keeps the function registered and dies of signal 11 at the first call (seen here every time). The
     * test restarts the shared server (twice on MySQL) and leaves it healthy: it puts the file back, restarts
     * again and drops the function.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void aFunctionPrunedBeforeItsDropFailsItsTriggerAfterARestart(DbServer db) throws Exception {
        String early = "prune_early";
        Fixtures.library(db, early);
        Fixtures.library(db, KEPT);
        TestSchema schema = db.newSchema("pruned");
        String table = "`" + schema.name() + "`.q";
        Fixtures.root(db, "CREATE FUNCTION wakeq_notify_" + early + " RETURNS INTEGER SONAME 'libwakeq_notify_"
                        + early + ".so'",
                "CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY)",
                "CREATE TRIGGER `" + schema.name() + "`.q_wake BEFORE INSERT ON " + table + " FOR EACH ROW DO "
                        + "wakeq_notify_" + early + "('127.0.0.1', " + Fixtures.NOWHERE_PORT + ", 'k')");
        String insert = "INSERT INTO " + table + " () VALUES ()";
        Fixtures.root(db, insert);
        assertThatThrownBy(() -> Fixtures.pruneLibrary(db, early)).isInstanceOf(IOException.class);
        Fixtures.deleteLibraryByHand(db, early);
        Fixtures.root(db, insert);
        try {
            db.restart();
            if (db.isMariaDb()) {
                assertThatThrownBy(() -> Fixtures.root(db, insert)).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(ER_SP_DOES_NOT_EXIST));
                assertThat(Fixtures.count(db, "SELECT 1")).as("the server is still up").isEqualTo(1);
            } else {
                assertThatThrownBy(() -> Fixtures.root(db, insert)).isInstanceOf(CommunicationsException.class);
                assertThatThrownBy(() -> Fixtures.count(db, "SELECT 1")).as("mysqld died")
                        .isInstanceOf(CommunicationsException.class);
            }
        } finally {
            Fixtures.library(db, early);
            db.restart();
            Fixtures.root(db, "DROP TRIGGER `" + schema.name() + "`.q_wake", "DROP FUNCTION wakeq_notify_" + early);
        }
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM " + table)).isEqualTo(2);
        assertThat(Fixtures.functionExists(db, early)).isFalse();
    }

    private static long call(DbServer db, int port, String key) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT wakeq_notify_" + GONE + "('127.0.0.1', " + port + ", '" + key
                     + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
