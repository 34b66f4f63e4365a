package dev.wakeq.worker;

/**
 * When one tenant's next claim query may run. Times are {@link System#nanoTime()} values.
 * <ul>
 * <li>After a poll that found jobs: at once (the work itself paces these).</li>
 * <li>A wake-up arrives while its row is still uncommitted: the trigger fires inside the inserting transaction.
 * So a wake-up that finds the queue drained waits the commit-poll interval first, then polls at that interval
 * until the row shows or the commit window has passed. (Measured with scripts/bench.sh on MySQL 8: a claim query
 * at once and a retry after the 5 ms minimum interval gave a commit-to-claim p50 of about 7 ms.)</li>
 * <li>Otherwise after an empty poll: a backoff that doubles from the minimum to the maximum interval. Once a poll
 * has found jobs and the next one finds the queue drained with no wake-up in between, every announced row was
 * seen, so the backoff goes straight to the maximum (a busy tenant then costs about two queries per wake-up
 * instead of a burst of seven; measured with scripts/demo.sh).</li>
 * <li>Polls that find nothing are rate-limited to one per minimum interval on average, with a burst
 * of one commit window's worth: however many wake-ups arrive (a flood, forged or not), a tenant's query rate
 * stays at one per minimum interval plus that one burst.</li>
 * </ul>
 * Not thread-safe: the owning poller guards it.
 */
final class PollPacer {

    private final long minNanos;
    private final long maxNanos;
    private final long commitPollNanos;
    private final long commitWindowNanos;
    /** How far ahead of the steady rate polls may run: the burst the commit window needs. */
    private final long burstNanos;
    private long backoffNanos;
    private long lastPollEnd;
    private long nextPollAt;
    private boolean lastFoundJobs;
    private boolean wokenSinceLastPoll;
    /** The rate limit's clock (GCRA): when the next poll would be due at exactly one per minimum interval. */
    private long rateDue;
    private boolean watchingCommit;
    private long watchStart;

    PollPacer(long minNanos, long maxNanos, long commitPollNanos, long commitWindowNanos, long now) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.commitPollNanos = commitPollNanos;
        this.commitWindowNanos = commitWindowNanos;
        this.burstNanos = burstPolls(commitPollNanos, commitWindowNanos) * minNanos;
        this.backoffNanos = minNanos;
        this.lastPollEnd = now - minNanos;
        this.nextPollAt = now;
        this.rateDue = now;
    }

    /** How many empty polls may run ahead of the steady rate: one commit window's worth of quick polls. */
    static long burstPolls(long commitPollNanos, long commitWindowNanos) {
        return commitPollNanos == 0 ? 1 : commitWindowNanos / commitPollNanos + 1;
    }

    long nextPollAt() {
        return nextPollAt;
    }

    /** A wake-up at {@code now}: poll soon, within the rate limit. */
    void wake(long now) {
        // After found jobs the next poll is due at once and sees the row if it has committed. Otherwise a poll
        // right now would most likely miss it, so the poll waits one commit-poll interval. The hold starts at the
        // first wake-up after a poll, so a stream of wake-ups can neither postpone the poll nor pull it forward.
        if (!wokenSinceLastPoll && !lastFoundJobs) {
            watchingCommit = true;
            watchStart = now;
        }
        wokenSinceLastPoll = true;
        backoffNanos = minNanos;
        long soonest = Math.max(lastPollEnd + commitPollNanos, rateFloor());
        if (nextPollAt - soonest > 0) {
            nextPollAt = soonest;
        }
        // Every wake-up since a poll that found nothing started (the first) or joined this hold.
        if (!lastFoundJobs && watchStart + commitPollNanos - nextPollAt > 0) {
            nextPollAt = watchStart + commitPollNanos;
        }
    }

    /** Measured from the end of the query, so a slow database slows polling down rather than piling up. */
    void polled(long end, boolean foundJobs) {
        lastPollEnd = end;
        if (foundJobs) {
            backoffNanos = minNanos;
            nextPollAt = end;
            watchingCommit = false;
        } else {
            // Only empty polls count against the rate: polls that find jobs are paced by the work, and counting
            // them would leave a tenant that just drained a backlog unable to poll quickly for its next wake-up.
            rateDue = Math.max(rateDue, end) + minNanos;
            if (lastFoundJobs && !wokenSinceLastPoll) {
                backoffNanos = maxNanos;
            }
            if (watchingCommit && end - watchStart < commitWindowNanos) {
                nextPollAt = end + commitPollNanos;
            } else {
                watchingCommit = false;
                nextPollAt = end + backoffNanos;
                backoffNanos = Math.min(maxNanos, Math.max(1, backoffNanos * 2));
            }
            nextPollAt = Math.max(nextPollAt, rateFloor());
        }
        lastFoundJobs = foundJobs;
        wokenSinceLastPoll = false;
    }

    private long rateFloor() {
        return rateDue - burstNanos;
    }
}
