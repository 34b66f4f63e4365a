package dev.wakeq.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Ties a claim to the database connection that made it, so a worker that dies frees its jobs at once instead of
 * after its lease (issue 16). Each worker connection holds a named lock ({@code GET_LOCK}) whose name starts every
 * {@code claimed_by} written through it; the server releases a session's named locks when the session ends (a
 * killed process, a lost network, a server restart). A claim query then also takes rows whose claimer's lock is
 * free ({@code IS_FREE_LOCK}), however long their lease has left: a long handler keeps its long lease while its
 * worker lives.
 *
 * <p>Named locks are per server: on a multi-primary cluster (Galera, group replication in multi-primary mode) a
 * lock held through one node looks free on another, and a job could run twice at once. wakeq's queues assume one
 * primary (docs/worker.md).
 */
public final class ClaimLiveness {

    /** Every liveness lock name starts with this, so claims written by older workers are never read as free. */
    public static final String PREFIX = "wakeq-live:";
    /** MySQL refuses lock names longer than 64 characters. */
    static final int MAX_NAME = 64;

    /** The claim query's extra condition: the row's claimer holds a liveness lock that is now free. */
    static final String FREE = """
            (claimed_by LIKE 'wakeq-live:%' AND IS_FREE_LOCK(SUBSTRING_INDEX(claimed_by, '/', 1)) = 1)""";

    private ClaimLiveness() {
    }

    /** {@code PREFIX + process + ":" + serial}; {@code process} is short and unique to this worker process. */
    public static String lockName(String process, long serial) {
        String name = PREFIX + process + ":" + serial;
        if (name.length() > MAX_NAME || name.contains("/")) {
            throw new IllegalArgumentException("liveness lock name too long or has '/': " + name);
        }
        return name;
    }

    /**
     * Takes {@code name} on this connection without waiting. Names are unique per worker process, so it is free
     * unless this connection already holds it. Takes no row lock and starts no transaction that matters: the
     * caller commits after it like after any statement.
     */
    public static void acquire(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new SQLException("liveness lock " + name + " is held by another session", "HY000");
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** The claim token: the lock first (what {@link #FREE} reads), then a counter and who claimed, to 128 chars. */
    public static String claimToken(String lockName, long counter, String workerId) {
        String token = lockName + "/" + counter + "/" + workerId;
        return token.length() <= 128 ? token : token.substring(0, 128);
    }
}
