package dev.wakeq.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wakeq.embedded.LocalMysqld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared servers are what the other tests assume: real, event scheduler on, private plugin dir. */
class DatabaseTestBedTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void serverIsRealAndPrepared(DbServer db) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT VERSION(), @@event_scheduler, @@plugin_dir, @@tmpdir");
            assertThat(rs.next()).isTrue();
            String version = rs.getString(1);
            // The label names the release the test names promise: "MariaDB 11.8" must be 11.8.x.
            String release = db.label().substring(db.label().indexOf(' ') + 1);
            assertThat(version).matches(java.util.regex.Pattern.quote(release) + "([.-].*)?");
            if (db.isMariaDb()) {
                assertThat(version).contains("MariaDB");
            } else {
                assertThat(version).doesNotContain("MariaDB");
            }
            assertThat(rs.getString(2)).isEqualTo("ON");
            assertThat(rs.getString(3)).startsWith(db.pluginDir().toString());
            // Temporary tables in the server's own work dir, not the /tmp many servers share (LocalMysqld, TMPDIR).
            assertThat(rs.getString(4)).startsWith(TestDatabases.workRoot().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void operatorAndWorkerAccountsWork(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("testbed");
        try (Connection c = schema.operator(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        try (Connection c = schema.worker(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (1)");
            ResultSet rs = s.executeQuery("SELECT CURRENT_USER()");
            rs.next();
            assertThat(rs.getString(1)).startsWith(DbServer.WORKER_USER + "@");
        }
    }

    /**
     * MariaDB 11.8 comes from Debian trixie and needs trixie's libc: the server runs on the loader and libraries of
     * the trixie root scripts/testbed/mariadb-lts.sh made, not on this machine's (which would refuse to start it).
     */
    @Test
    void mariaDb118RunsOnTheLibcOfItsOwnTrixieRoot() throws Exception {
        DbServer db = TestDatabases.mariadbLts();
        Path root = TestDatabases.cacheDir().resolve("mariadb-11.8/root").toRealPath();
        List<String> maps = Files.readAllLines(Path.of("/proc/" + db.pid() + "/maps"));
        assertThat(maps).filteredOn(line -> line.matches(".*/libc\\.so\\.6$")).isNotEmpty()
                .allMatch(line -> line.contains(root + "/usr/lib/x86_64-linux-gnu/libc.so.6"));
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@basedir")) {
            // The wrapper's --basedir: error texts, charsets and bootstrap SQL from the trixie root, not from /usr.
            assertThat(rs.next()).isTrue();
            assertThat(Path.of(rs.getString(1)).toRealPath()).startsWith(root.getParent());
            assertThatThrownBy(() -> s.execute("USE no_such_schema_here"))
                    .hasMessage("Unknown database 'no_such_schema_here'");
        }
    }

    /**
     * Issue 16: a clone at a long path failed 51 tests, because MariaDB refuses a unix socket path over 107 bytes and
     * the socket lived in the work dir. It now lives in a short directory of its own.
     */
    @Test
    void aServerStartsFromAWorkDirFarLongerThanASocketPathMayBe() throws Exception {
        Path work = TestDatabases.workRoot().resolve("long-path-" + "x".repeat(120)).resolve("mariadb");
        assertThat(work.toString().length()).isGreaterThan(150);
        TestDatabases.deleteTree(work);
        try (LocalMysqld server = LocalMysqld.start(new LocalMysqld.Spec(LocalMysqld.Flavor.MARIADB,
                TestDatabases.MARIADBD, null, work, work.resolve("plugin"), List.of()));
             Connection c = server.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@socket")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1).length()).isLessThan(108);
        } finally {
            TestDatabases.deleteTree(work);
        }
    }
}
