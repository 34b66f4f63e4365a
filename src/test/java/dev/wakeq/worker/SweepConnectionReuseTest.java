package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15's sweep cost: a sweep of an idle tenant is its queue SELECT and COMMIT on a connection that another
 * tenant of the same server and account left open, not a new connection per sweep. Statements are read from the
 * server's general log, as the issue measured them.
 */
class SweepConnectionReuseTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void sweepOfAnIdleTenantIsTwoStatementsOnAnOpenConnection(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture(); Connection root = db.rootConnection()) {
            WorkerFixture.Tenant a = WorkerFixture.tenant(db, "reuse_a");
            WorkerFixture.Tenant b = WorkerFixture.tenant(db, "reuse_b");
            f.writeTenants(a, b);
            f.start(WorkerFixture.config(), new RecordingHandler());

            f.sweep(a);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.polls() == 1 && f.activePollers() == 0);
            assertThat(opened(f)).isEqualTo(1);

            List<String> statements;
            setGeneralLog(root, true);
            try {
                Timestamp since = now(root);
                f.sweep(b);
                await().atMost(Duration.ofSeconds(5)).until(() -> f.polls() == 2 && f.activePollers() == 0);
                statements = workerStatements(root, since);
            } finally {
                setGeneralLog(root, false);
            }
            System.out.printf("[%s] sweep of a second tenant on a pooled connection: %d statements %s%n", db,
                    statements.size(), statements);
            assertThat(opened(f)).as("connections opened").isEqualTo(1);
            assertThat(statements).hasSize(2);
            assertThat(statements.get(0)).contains("`" + b.schema().name() + "`.`_queue`").contains("SKIP LOCKED");
            assertThat(statements.get(1)).isEqualToIgnoringCase("commit");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void pooledConnectionKilledWhileIdleCostsNoWakeUp(DbServer db) throws Exception {
        try (WorkerFixture f = new WorkerFixture(); Connection root = db.rootConnection()) {
            WorkerFixture.Tenant a = WorkerFixture.tenant(db, "reuse_kill");
            f.writeTenants(a);
            RecordingHandler handler = new RecordingHandler();
            f.start(WorkerFixture.config(), handler);
            f.sweep(a);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.polls() == 1 && f.activePollers() == 0);

            // What a server restart or wait_timeout does to an idle connection.
            killWorkerConnections(root);
            a.insert("after-kill");
            f.insertWake(a);
            await().atMost(Duration.ofSeconds(5)).until(() -> handler.succeeded.contains("after-kill"));
            assertThat(opened(f)).isEqualTo(2);
            assertThat(f.count(WorkerMetrics.DB_ERRORS, "operation", "claim_idle_connection")).isEqualTo(1);
            assertThat(f.count(WorkerMetrics.DB_ERRORS, "operation", "claim")).isZero();
        }
    }

    private static double opened(WorkerFixture f) {
        return f.count(WorkerMetrics.DB_CONNECTIONS_OPENED);
    }

    private static void setGeneralLog(Connection root, boolean on) throws Exception {
        try (Statement s = root.createStatement()) {
            if (on) {
                s.execute("SET GLOBAL log_output = 'TABLE'");
                s.execute("TRUNCATE TABLE mysql.general_log");
            }
            s.execute("SET GLOBAL general_log = " + (on ? "'ON'" : "'OFF'"));
        }
    }

    private static Timestamp now(Connection root) throws Exception {
        try (Statement s = root.createStatement(); ResultSet rs = s.executeQuery("SELECT NOW(6)")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static List<String> workerStatements(Connection root, Timestamp since) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = root.prepareStatement("""
                SELECT command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log
                WHERE event_time >= ? AND user_host LIKE ? ORDER BY event_time""")) {
            ps.setTimestamp(1, since);
            ps.setString(2, DbServer.WORKER_USER + "[%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).equals("Query") ? rs.getString(2) : rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void killWorkerConnections(Connection root) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = root.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            ps.setString(1, DbServer.WORKER_USER);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        assertThat(ids).isNotEmpty();
        try (Statement s = root.createStatement()) {
            for (long id : ids) {
                s.execute("KILL " + id);
            }
        }
    }
}
