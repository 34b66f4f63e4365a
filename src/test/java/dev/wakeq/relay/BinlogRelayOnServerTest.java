package dev.wakeq.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The relay on a real server's binary log, with no function and no trigger installed: what it announces and what
 * it does not. Absence is proved with a marker: after the action, one row goes into a second tenant's queue, and
 * once that tenant's wake-up has arrived every wake-up the action caused has too (the binary log is read in
 * commit order and inserts are sent in that order).
 */
class BinlogRelayOnServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogInsertWakesTheTenantWithNoFunctionOrTriggerInstalled(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_a", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a)) {
                awaitStreamingAndSwept(relay, inbox, a);
                assertThat(triggersOn(db, a)).isZero();
                if (!db.isMariaDb()) {
                    // MySQL 8's default authentication, which the replication client must speak.
                    assertThat(authPlugin(db, DbServer.RELAY_USER)).isEqualTo("caching_sha2_password");
                }
                RelayFixture.insert(db, a, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 1);
                RelayFixture.insert(db, a, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 2);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogRollbackSendsNoWakeUp(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_rb", inbox);
            RelayTenant marker = RelayFixture.tenant(db, "relay_mk", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a, marker)) {
                awaitStreamingAndSwept(relay, inbox, a, marker);
                try (Connection c = db.rootConnection(a.schema()); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("INSERT INTO _queue (payload) VALUES ('never')");
                    c.rollback();
                }
                RelayFixture.insert(db, marker, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(marker.key()) == 1);
                assertThat(inbox.inserts(a.key())).isZero();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogTenThousandRowInsertSendsOneWakeUp(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_big", inbox);
            RelayTenant marker = RelayFixture.tenant(db, "relay_mk", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a, marker)) {
                awaitStreamingAndSwept(relay, inbox, a, marker);
                RelayFixture.insert(db, a, 10_000);
                RelayFixture.insert(db, marker, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(marker.key()) == 1);
                assertThat(inbox.inserts(a.key())).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogQueueTableInASchemaThatIsNoTenantsSendsNoWakeUp(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant stranger = RelayFixture.tenant(db, "relay_other", inbox);
            RelayTenant marker = RelayFixture.tenant(db, "relay_mk", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), marker)) {
                awaitStreamingAndSwept(relay, inbox, marker);
                // Same table name, a schema no tenant has: its rows arrive like any other and must wake nobody.
                RelayFixture.insert(db, stranger, 3);
                RelayFixture.insert(db, marker, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(marker.key()) == 1);
                assertThat(inbox.messages()).containsOnly("tcp WQ1 S " + marker.key(), "udp WQ1 I " + marker.key());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogAlterTableOnTheQueueWhileStreamingKeepsWakingTheTenant(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_alter", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a)) {
                awaitStreamingAndSwept(relay, inbox, a);
                RelayFixture.insert(db, a, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 1);
                try (Connection c = db.rootConnection(a.schema()); Statement s = c.createStatement()) {
                    // A new column and a rebuilt table: the server gives the table a new id in the binary log.
                    s.execute("ALTER TABLE _queue ADD COLUMN priority INT NOT NULL DEFAULT 0, FORCE");
                    s.execute("INSERT INTO _queue (payload, priority) VALUES ('after alter', 5)");
                }
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 2);
                assertThat(relay.status().streaming()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogUpdatesAndDeletesOfQueueRowsSendNoWakeUp(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_upd", inbox);
            RelayTenant marker = RelayFixture.tenant(db, "relay_mk", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a, marker)) {
                awaitStreamingAndSwept(relay, inbox, a, marker);
                RelayFixture.insert(db, a, 2);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 1);
                // What workers do to claimed and finished jobs: neither is news for a worker.
                try (Connection c = db.rootConnection(a.schema()); Statement s = c.createStatement()) {
                    s.execute("UPDATE _queue SET claimed_by = 'w', claim_expires = NOW(3) ORDER BY id LIMIT 1");
                    s.execute("DELETE FROM _queue ORDER BY id LIMIT 1");
                }
                RelayFixture.insert(db, marker, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(marker.key()) == 1);
                assertThat(inbox.inserts(a.key())).isEqualTo(1);
            }
        }
    }

    /** Streaming, and the sweep a stream start sends has reached every tenant. */
    static void awaitStreamingAndSwept(BinlogRelay relay, WakeInbox inbox, RelayTenant... tenants) {
        await().atMost(WAIT).until(() -> relay.status().streaming());
        for (RelayTenant t : tenants) {
            await().atMost(WAIT).until(() -> inbox.sweeps(t.key()) >= 1);
        }
    }

    private static String authPlugin(DbServer db, String user) throws SQLException {
        try (Connection c = db.rootConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT plugin FROM mysql.user WHERE user = ? AND host = '%'")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Triggers on the tenant's queue table (one named table; the relay needs none). */
    private static int triggersOn(DbServer db, RelayTenant t) throws SQLException {
        try (Connection c = db.rootConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? "
                        + "AND EVENT_OBJECT_TABLE = ?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.queueTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
