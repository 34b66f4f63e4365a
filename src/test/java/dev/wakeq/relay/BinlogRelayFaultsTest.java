package dev.wakeq.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults and bad set-ups under the relay, on both servers: each ends in a named problem the operator can turn
 * into a condition, or in a stream that comes back by itself and sweeps.
 */
class BinlogRelayFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogWrongPasswordIsAuthenticationFailed(DbServer db) throws Exception {
        String wrong = "not-the-password";
        RelayServer account = new RelayServer(db.host(), db.port(), DbServer.RELAY_USER, wrong);
        try (BinlogRelay relay = RelayFixture.start(account)) {
            await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.AuthenticationFailed);
            assertThat(relay.status().message()).contains(DbServer.RELAY_USER).doesNotContain(wrong);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogMissingReplicationPrivilegesAreMissingPrivilege(DbServer db) throws Exception {
        // No privilege at all: the server will not say where its binary log ends.
        RelayServer none = account(db, null);
        try (BinlogRelay relay = RelayFixture.start(none)) {
            await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.MissingPrivilege);
            assertThat(relay.status().message()).contains("REPLICATION CLIENT").contains(none.user())
                    .doesNotContain(none.password());
        }
        // REPLICATION CLIENT but not REPLICATION SLAVE: the server refuses the dump itself.
        RelayServer clientOnly = account(db, "REPLICATION CLIENT");
        try (BinlogRelay relay = RelayFixture.start(clientOnly)) {
            await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.MissingPrivilege);
            assertThat(relay.status().message()).contains("lacks REPLICATION SLAVE");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogStatementOrMixedFormatIsBinlogFormatUntilRowIsBack(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_fmt", inbox);
            try {
                for (String format : new String[] {"STATEMENT", "MIXED"}) {
                    setGlobal(db, "binlog_format", "'" + format + "'");
                    try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a)) {
                        await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.BinlogFormat);
                        assertThat(relay.status().message()).contains("binlog_format=" + format);
                    }
                }
                setGlobal(db, "binlog_format", "'MIXED'");
                try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a)) {
                    await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.BinlogFormat);
                    setGlobal(db, "binlog_format", "'ROW'");
                    // The relay keeps asking; with ROW back it streams without being restarted.
                    BinlogRelayOnServerTest.awaitStreamingAndSwept(relay, inbox, a);
                }
            } finally {
                setGlobal(db, "binlog_format", "'ROW'");
            }
        }
    }

    @Test
    void binlogTransactionCompressionOnMysql8IsBinlogFormat() throws Exception {
        DbServer db = TestDatabases.mysql8();
        try {
            setGlobal(db, "binlog_transaction_compression", "ON");
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db))) {
                await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.BinlogFormat);
                assertThat(relay.status().message()).contains("binlog_transaction_compression=ON");
            }
        } finally {
            setGlobal(db, "binlog_transaction_compression", "OFF");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogOffIsBinlogDisabled(DbServer shared) throws Exception {
        DbServer db = TestDatabases.withoutBinlog(shared.flavor());
        try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db))) {
            await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.BinlogDisabled);
            assertThat(relay.status().message()).contains("log_bin is OFF");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogUnreachableServerIsRelayNotConnected(DbServer db) throws Exception {
        // Port 9 on loopback: nobody listens.
        RelayServer nowhere = new RelayServer("127.0.0.1", 9, DbServer.RELAY_USER, DbServer.RELAY_PASSWORD);
        try (BinlogRelay relay = RelayFixture.start(nowhere)) {
            await().atMost(WAIT).until(() -> relay.status().problem() == RelayProblem.RelayNotConnected
                    && relay.status().message().contains("127.0.0.1:9"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogIdleStreamIsKeptByHeartbeatsNotCutAndRestarted(DbServer db) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_idle", inbox);
            try (BinlogRelay relay = RelayFixture.start(meters, RelayFixture.relayAccount(db), a)) {
                BinlogRelayOnServerTest.awaitStreamingAndSwept(relay, inbox, a);
                // The watchdog cuts a stream silent for 3 heartbeats (3 s here): heartbeats must keep it whole.
                await().during(Duration.ofSeconds(5)).atMost(WAIT)
                        .until(() -> meters.counter("wakeq.relay.connects").count() == 1.0
                                && relay.status().streaming());
                assertThat(inbox.sweeps(a.key())).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogServerRestartedUnderTheRelayReconnectsAndSweeps(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox()) {
            RelayTenant a = RelayFixture.tenant(db, "relay_restart", inbox);
            try (BinlogRelay relay = RelayFixture.start(RelayFixture.relayAccount(db), a)) {
                BinlogRelayOnServerTest.awaitStreamingAndSwept(relay, inbox, a);
                db.restart();
                // A second sweep: the stream started again and announced whatever came in while it was down.
                await().atMost(WAIT).until(() -> inbox.sweeps(a.key()) >= 2 && relay.status().streaming());
                RelayFixture.insert(db, a, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) == 1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binlogPurgedWhileTheRelayWasAwayDoesNotStrandIt(DbServer db) throws Exception {
        try (WakeInbox inbox = new WakeInbox(); CuttableProxy line = new CuttableProxy(db.host(), db.port())) {
            RelayTenant a = RelayFixture.tenant(db, "relay_purge", inbox);
            RelayServer viaProxy = new RelayServer("127.0.0.1", line.port(), DbServer.RELAY_USER,
                    DbServer.RELAY_PASSWORD);
            try (BinlogRelay relay = RelayFixture.start(viaProxy, a)) {
                BinlogRelayOnServerTest.awaitStreamingAndSwept(relay, inbox, a);
                String readWhileConnected = currentBinlog(db);
                line.cut();
                await().atMost(WAIT).until(() -> !relay.status().streaming());
                // While it is away: a job lands, the log moves on and the file it was reading is purged.
                RelayFixture.insert(db, a, 1);
                try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                    s.execute("FLUSH BINARY LOGS");
                    s.execute("PURGE BINARY LOGS TO '" + currentBinlog(db) + "'");
                }
                assertThat(currentBinlog(db)).isNotEqualTo(readWhileConnected);
                line.restore();
                // Back at the log's current end with a sweep, which finds the job inserted meanwhile.
                await().atMost(WAIT).until(() -> inbox.sweeps(a.key()) >= 2 && relay.status().streaming());
                RelayFixture.insert(db, a, 1);
                await().atMost(WAIT).until(() -> inbox.inserts(a.key()) >= 1);
            }
        }
    }

    private static String currentBinlog(DbServer db) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A fresh account with {@code privileges} on *.* (none when null). */
    private static RelayServer account(DbServer db, String privileges) throws Exception {
        String user = "relay_np_" + ACCOUNTS.incrementAndGet();
        String password = "pw-" + user + "-x9";
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            if (privileges != null) {
                s.execute("GRANT " + privileges + " ON *.* TO '" + user + "'@'%'");
            }
        }
        return new RelayServer(db.host(), db.port(), user, password);
    }

    private static void setGlobal(DbServer db, String variable, String value) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL " + variable + " = " + value);
        }
    }
}
