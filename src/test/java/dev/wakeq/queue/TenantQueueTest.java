package dev.wakeq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TenantQueueTest {

    private static final SqlIdentifier QUEUE = SqlIdentifier.of("queue table", "_queue");
    private static final SqlIdentifier DEAD = SqlIdentifier.of("dead-letter table", "_queue_dead");
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final TenantQueue queue = new TenantQueue(QUEUE, DEAD);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void claimLeasesReadyRowsInIdOrderAndCountsTheAttempt(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "a", "b", "c");
        try (Connection c = worker(schema)) {
            List<QueueRow> rows = queue.claim(c, "w1:1", 2, LEASE);
            assertThat(rows).extracting(QueueRow::payload).containsExactly("a", "b");
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.attempts()).isEqualTo(1);
                assertThat(r.claimToken()).isEqualTo("w1:1");
            });
            assertThat(queue.claim(c, "w1:2", 5, LEASE)).extracting(QueueRow::payload).containsExactly("c");
            assertThat(queue.claim(c, "w1:3", 5, LEASE)).isEmpty();
            assertThat(queryLong(schema, "SELECT COUNT(*) FROM _queue WHERE claim_expires > NOW(3) + INTERVAL 50 SECOND"))
                    .isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void rowsLockedByAnotherTransactionAreSkippedNotWaitedFor(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "a", "b");
        try (Connection holder = worker(schema); Connection c = worker(schema)) {
            // worker() turns auto-commit off, so the holder keeps its row lock until the rollback below.
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT id FROM _queue WHERE payload = 'a' FOR UPDATE").close();
            }
            long start = System.nanoTime();
            assertThat(queue.claim(c, "w2:1", 5, LEASE)).extracting(QueueRow::payload).containsExactly("b");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            holder.rollback();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void futureRunAfterIsNotReady(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        execute(schema, "INSERT INTO _queue (payload, run_after) VALUES ('later', NOW(3) + INTERVAL 1 HOUR)");
        try (Connection c = worker(schema)) {
            assertThat(queue.claim(c, "w:1", 5, LEASE)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void expiredLeaseIsClaimedAgainAndTheOldClaimerCannotDelete(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "x");
        try (Connection c = worker(schema)) {
            QueueRow first = queue.claim(c, "dead-worker:1", 1, Duration.ofMillis(1)).get(0);
            QueueRow second = awaitClaim(c, "live-worker:1");
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(second.attempts()).isEqualTo(2);
            assertThat(queue.complete(c, first)).isFalse();
            assertThat(queue.fail(c, first, Duration.ZERO, "late")).isFalse();
            assertThat(queue.deadLetter(c, first, "late")).isFalse();
            assertThat(queue.complete(c, second)).isTrue();
        }
        assertThat(queryLong(schema, "SELECT COUNT(*) FROM _queue")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void failReleasesWithBackoffAndKeepsATruncatedAsciiError(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "x");
        try (Connection c = worker(schema)) {
            QueueRow row = queue.claim(c, "w:1", 1, LEASE).get(0);
            String error = "caf\u00e9 \u2603 " + "e".repeat(10_000);
            assertThat(queue.fail(c, row, Duration.ofMinutes(10), error)).isTrue();
            assertThat(queue.claim(c, "w:2", 1, LEASE)).isEmpty();
        }
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_error, claimed_by, attempts, "
                     + "run_after > NOW(3) + INTERVAL 9 MINUTE FROM `" + schema.name() + "`._queue")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).hasSize(TenantQueue.MAX_ERROR_CHARS).startsWith("caf? ? eee").endsWith("...");
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.getInt(3)).isEqualTo(1);
            assertThat(rs.getBoolean(4)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void deadLetterMovesTheRowInOneTransaction(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "poison");
        try (Connection c = worker(schema)) {
            QueueRow row = queue.claim(c, "w:1", 1, LEASE).get(0);
            assertThat(queue.deadLetter(c, row, "boom")).isTrue();
        }
        assertThat(queryLong(schema, "SELECT COUNT(*) FROM _queue")).isZero();
        assertThat(queryLong(schema, "SELECT COUNT(*) FROM _queue_dead WHERE payload = 'poison' "
                + "AND attempts = 1 AND last_error = 'boom' AND dead_at IS NOT NULL")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void releaseReturnsUnstartedJobsWithoutUsingAnAttempt(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "a", "b");
        try (Connection c = worker(schema)) {
            List<QueueRow> rows = queue.claim(c, "w:1", 2, LEASE);
            assertThat(queue.release(c, rows)).isEqualTo(2);
            List<QueueRow> again = queue.claim(c, "w:2", 2, LEASE);
            assertThat(again).extracting(QueueRow::attempts).containsExactly(1, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void claimedRowsAreHandedOverStillLockedBeforeTheCommit(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "a");
        try (Connection c = worker(schema); Connection other = worker(schema)) {
            List<String> seenDuringHandOver = new ArrayList<>();
            queue.claim(c, "w:1", 5, LEASE, rows -> {
                assertThat(rows).extracting(QueueRow::payload).containsExactly("a");
                try {
                    // Uncommitted: another worker skips the locked row and does not see our mark yet.
                    assertThat(queue.claim(other, "w2:1", 5, LEASE)).isEmpty();
                    seenDuringHandOver.add(String.valueOf(queryString(schema, "SELECT claimed_by FROM _queue")));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(seenDuringHandOver).containsExactly("null");
            assertThat(queryString(schema, "SELECT claimed_by FROM _queue")).isEqualTo("w:1");
            assertThat(queue.claim(other, "w2:2", 5, LEASE)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void aClaimWhoseCommitFailsAfterHandOverLeavesTheJobClaimableAgain(DbServer db) throws Exception {
        TestSchema schema = schemaWithQueue(db);
        insert(schema, "a");
        try (Connection c = worker(schema); Connection killer = schema.worker()) {
            long id = connectionId(c);
            List<QueueRow> handedOver = new ArrayList<>();
            assertThatThrownBy(() -> queue.claim(c, "w:1", 5, LEASE, rows -> {
                handedOver.addAll(rows);
                try (Statement s = killer.createStatement()) {
                    s.execute("KILL CONNECTION " + id);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            })).isInstanceOf(SQLException.class);
            assertThat(handedOver).extracting(QueueRow::payload).containsExactly("a");
        }
        // The job may have started, but the claim was rolled back: the next worker gets it, as a first attempt.
        try (Connection next = worker(schema)) {
            List<QueueRow> again = List.of();
            for (long deadline = System.nanoTime() + 5_000_000_000L; again.isEmpty() && System.nanoTime() < deadline; ) {
                again = queue.claim(next, "w:2", 5, LEASE); // the killed session's rollback may still hold the lock
                Thread.sleep(again.isEmpty() ? 10 : 0);
            }
            assertThat(again).extracting(QueueRow::payload).containsExactly("a");
            assertThat(again).extracting(QueueRow::attempts).containsExactly(1);
        }
    }

    private static long connectionId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            long id = rs.getLong(1);
            c.commit();
            return id;
        }
    }

    private QueueRow awaitClaim(Connection c, String token) throws SQLException {
        // The 1 ms lease has to pass in database time; a handful of tries covers DATETIME(3) rounding.
        for (int i = 0; i < 1000; i++) {
            List<QueueRow> rows = queue.claim(c, token, 1, LEASE);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
        }
        throw new AssertionError("lease never expired");
    }

    static TestSchema schemaWithQueue(DbServer db) throws SQLException {
        TestSchema schema = db.newSchema("queue");
        try (Connection c = schema.operator(); Statement s = c.createStatement()) {
            s.execute(QueueSchema.createQueueTable(QUEUE));
            s.execute(QueueSchema.createDeadLetterTable(DEAD));
        }
        return schema;
    }

    private static Connection worker(TestSchema schema) throws SQLException {
        Connection c = schema.worker();
        TenantQueue.configure(c);
        return c;
    }

    private static void insert(TestSchema schema, String... payloads) throws SQLException {
        for (String p : payloads) {
            execute(schema, "INSERT INTO _queue (payload) VALUES ('" + p + "')");
        }
    }

    private static void execute(TestSchema schema, String sql) throws SQLException {
        try (Connection c = schema.worker(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long queryLong(TestSchema schema, String sql) throws SQLException {
        return query(schema, sql, Long.class);
    }

    private static String queryString(TestSchema schema, String sql) throws SQLException {
        return query(schema, sql, String.class);
    }

    /** The first column of the first row, on a connection of its own (so it sees only committed rows). */
    private static <T> T query(TestSchema schema, String sql, Class<T> type) throws SQLException {
        try (Connection c = schema.worker(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, type);
        }
    }
}
