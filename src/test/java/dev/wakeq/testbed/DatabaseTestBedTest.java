package dev.wakeq.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared servers are what the other tests assume: real, event scheduler on, private plugin dir. */
class DatabaseTestBedTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void serverIsRealAndPrepared(DbServer db) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT VERSION(), @@event_scheduler, @@plugin_dir");
            assertThat(rs.next()).isTrue();
            String version = rs.getString(1);
            if (db.isMariaDb()) {
                assertThat(version).contains("MariaDB").startsWith("10.11");
            } else {
                assertThat(version).startsWith("8.0").doesNotContain("MariaDB");
            }
            assertThat(rs.getString(2)).isEqualTo("ON");
            assertThat(rs.getString(3)).startsWith(db.pluginDir().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
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
}
