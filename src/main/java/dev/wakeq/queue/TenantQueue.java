package dev.wakeq.queue;

import dev.wakeq.sql.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every statement the worker runs against one tenant's queue and dead-letter tables. Times are the database's
 * ({@code NOW(3)}) so that workers with skewed clocks agree on leases and retry times.
 *
 * <p>Each method takes a connection prepared by {@link #configure} and commits (or rolls back) before it returns.
 * Every statement that changes a claimed row also matches {@code claimed_by}: a worker whose lease expired and was
 * taken over by another worker changes nothing.
 */
public final class TenantQueue {

    /** {@code last_error} is TEXT (64 KiB); a stack trace's first lines are what an operator reads anyway. */
    public static final int MAX_ERROR_CHARS = 2000;

    private final String claimSelect;
    private final String claimUpdatePrefix;
    private final String completeDelete;
    private final String failUpdate;
    private final String lockOwned;
    private final String deadInsert;
    private final String releaseUpdate;

    public TenantQueue(SqlIdentifier queueTable, SqlIdentifier deadLetterTable) {
        this(null, queueTable, deadLetterTable);
    }

    /**
     * With a {@code schema}, every statement names the tables schema-qualified, so it works on a connection whose
     * default schema is another tenant's (a pooled connection); null uses the connection's default schema.
     */
    public TenantQueue(SqlIdentifier schema, SqlIdentifier queueTable, SqlIdentifier deadLetterTable) {
        String prefix = schema == null ? "" : schema.quoted() + ".";
        String q = prefix + queueTable.quoted();
        String d = prefix + deadLetterTable.quoted();
        // Ready rows: due, and never claimed, or the claimer's lease ran out (it hung or died), or the claimer's
        // connection is gone (it died: ClaimLiveness).
        claimSelect = """
                SELECT id, payload, attempts FROM %s
                WHERE run_after <= NOW(3) AND (claimed_by IS NULL OR claim_expires < NOW(3) OR %s)
                ORDER BY id LIMIT ?
                FOR UPDATE SKIP LOCKED""".formatted(q, ClaimLiveness.FREE);
        claimUpdatePrefix = """
                UPDATE %s SET claimed_by = ?, claim_expires = NOW(3) + INTERVAL ? MICROSECOND,
                  attempts = attempts + 1
                WHERE id IN""".formatted(q);
        completeDelete = """
                DELETE FROM %s WHERE id = ? AND claimed_by = ?""".formatted(q);
        failUpdate = """
                UPDATE %s SET claimed_by = NULL, claim_expires = NULL,
                  run_after = NOW(3) + INTERVAL ? MICROSECOND, last_error = ?
                WHERE id = ? AND claimed_by = ?""".formatted(q);
        lockOwned = """
                SELECT id FROM %s WHERE id = ? AND claimed_by = ? FOR UPDATE""".formatted(q);
        deadInsert = """
                INSERT INTO %s (id, payload, attempts, last_error, created_at)
                SELECT id, payload, attempts, ?, created_at FROM %s WHERE id = ?""".formatted(d, q);
        // A job released unstarted did not use up an attempt.
        releaseUpdate = """
                UPDATE %s SET claimed_by = NULL, claim_expires = NULL, attempts = attempts - 1
                WHERE id = ? AND claimed_by = ? AND attempts > 0""".formatted(q);
    }

    /**
     * Prepares a connection for the methods of this class, once after it is opened. READ COMMITTED keeps the
     * claim's locking read from taking gap locks that would block the application's inserts. Auto-commit is off
     * so that a claim is SELECT + COMMIT (+ UPDATE when rows were found), without extra round trips to switch
     * modes around every transaction.
     */
    public static void configure(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
    }

    /**
     * Claims up to {@code max} ready jobs for {@code lease} in one short transaction. Rows another worker holds
     * locked are skipped, not waited for.
     *
     * <p>{@code claimed} gets the rows (possibly none) once they are locked and marked as ours, before the COMMIT:
     * so a job can start without waiting for the commit's log flush (one or two fsyncs, which were most of the
     * commit-to-claim time). Other workers cannot take the rows meanwhile: this transaction holds their locks. If
     * the COMMIT then fails, the claim is rolled back and the jobs are claimable again, so a job already started
     * may run twice: the at-least-once delivery that a worker dying mid-job already implies (docs/worker.md).
     * The exception still reaches the caller, and the rows' outcomes will then find the claim not ours.
     */
    public void claim(Connection c, String claimToken, int max, Duration lease, Consumer<List<QueueRow>> claimed)
            throws SQLException {
        inTransaction(c, () -> {
            List<long[]> found = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(claimSelect)) {
                ps.setInt(1, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new long[] {rs.getLong(1), rs.getLong(3)});
                        payloads.add(rs.getString(2));
                    }
                }
            }
            if (found.isEmpty()) {
                claimed.accept(List.of());
                return null;
            }
            String placeholders = String.join(", ", Collections.nCopies(found.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(claimUpdatePrefix + " (" + placeholders + ")")) {
                ps.setString(1, claimToken);
                ps.setLong(2, micros(lease));
                for (int i = 0; i < found.size(); i++) {
                    ps.setLong(3 + i, found.get(i)[0]);
                }
                ps.executeUpdate();
            }
            List<QueueRow> rows = new ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i++) {
                rows.add(new QueueRow(found.get(i)[0], payloads.get(i), (int) found.get(i)[1] + 1, claimToken));
            }
            claimed.accept(List.copyOf(rows));
            return null;
        });
    }

    /** {@link #claim(Connection, String, int, Duration, Consumer)} for callers that act only after the COMMIT. */
    public List<QueueRow> claim(Connection c, String claimToken, int max, Duration lease) throws SQLException {
        List<QueueRow> result = new ArrayList<>();
        claim(c, claimToken, max, lease, result::addAll);
        return result;
    }

    /** Deletes a finished job. False when the claim is no longer ours (lease expired and taken over). */
    public boolean complete(Connection c, QueueRow row) throws SQLException {
        return inTransaction(c, () -> deleteOwned(c, row));
    }

    /** Releases a failed job to run again after {@code backoff}, keeping the (truncated) error. */
    public boolean fail(Connection c, QueueRow row, Duration backoff, String error) throws SQLException {
        return inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(failUpdate)) {
                ps.setLong(1, micros(backoff));
                ps.setString(2, truncateError(error));
                ps.setLong(3, row.id());
                ps.setString(4, row.claimToken());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Moves a job to the dead-letter table in one transaction. False when the claim is no longer ours. */
    public boolean deadLetter(Connection c, QueueRow row, String error) throws SQLException {
        return inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(lockOwned)) {
                ps.setLong(1, row.id());
                ps.setString(2, row.claimToken());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(deadInsert)) {
                ps.setString(1, truncateError(error));
                ps.setLong(2, row.id());
                ps.executeUpdate();
            }
            return deleteOwned(c, row);
        });
    }

    /** Gives back claimed jobs that were never started (shutdown). Returns how many were still ours. */
    public int release(Connection c, Collection<QueueRow> rows) throws SQLException {
        return inTransaction(c, () -> {
            int released = 0;
            try (PreparedStatement ps = c.prepareStatement(releaseUpdate)) {
                for (QueueRow row : rows) {
                    ps.setLong(1, row.id());
                    ps.setString(2, row.claimToken());
                    released += ps.executeUpdate();
                }
            }
            return released;
        });
    }

    private boolean deleteOwned(Connection c, QueueRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(completeDelete)) {
            ps.setLong(1, row.id());
            ps.setString(2, row.claimToken());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Shortened to {@link #MAX_ERROR_CHARS} and reduced to printable ASCII: the column's character set is the
     * tenant's choice, and a character it cannot store must not turn a job failure into a statement failure.
     */
    static String truncateError(String error) {
        String text = error == null ? "" : error;
        if (text.length() > MAX_ERROR_CHARS) {
            text = text.substring(0, MAX_ERROR_CHARS - 3) + "...";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            sb.append((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\t' ? ch : '?');
        }
        return sb.toString();
    }

    private static long micros(Duration d) {
        return Math.max(0, d.toNanos() / 1000);
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        }
    }
}
