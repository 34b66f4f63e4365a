package dev.wakeq.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wakeq.testbed.DbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code wakeq-install --prune-except} (udf-image) does to a running server that has the deleted library
 * loaded, on MariaDB 10.11 and MySQL 8.0: the loaded function keeps working (the server's mapping holds the
 * inode), and loading that version again fails with an SQL error, not a crash. This is why a release prunes a
 * version only after its function was dropped (docs/operations.md, "Function version").
 */
class LibraryPruneOnServerTest {

    /** ER_CANT_OPEN_LIBRARY: the file named in SONAME cannot be opened. */
    private static final int ER_CANT_OPEN_LIBRARY = 1126;
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

            String out = Fixtures.pruneLibrary(db, GONE);
            assertThat(out).contains("removed " + db.pluginDir().resolve("libwakeq_notify_" + GONE + ".so"));
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

    private static long call(DbServer db, int port, String key) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT wakeq_notify_" + GONE + "('127.0.0.1', " + port + ", '" + key
                     + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
