package dev.wakeq.worker;

/**
 * When one tenant's next claim query may run. After a poll that found jobs: at once. After an empty poll: after a
 * backoff that doubles from the minimum to the maximum interval. The quick polls exist for a wake-up whose row is
 * not committed yet; once a poll has found jobs and the next one finds the queue drained with no wake-up in
 * between, every announced row was seen, so the pacer goes straight to the maximum interval (a busy tenant then
 * costs about two queries per wake-up instead of a burst of seven; measured with scripts/demo.sh). A wake-up
 * resets the backoff but never brings the next poll closer than the minimum interval after the last one, so no number of wake-ups can raise a
 * tenant's query rate above one per minimum interval. Times are {@link System#nanoTime()} values.
 * Not thread-safe: the owning poller guards it.
 */
final class PollPacer {

    private final long minNanos;
    private final long maxNanos;
    private long backoffNanos;
    private long lastPollEnd;
    private long nextPollAt;
    private boolean lastFoundJobs;
    private boolean wokenSinceLastPoll;

    PollPacer(long minNanos, long maxNanos, long now) {
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.backoffNanos = minNanos;
        this.lastPollEnd = now - minNanos;
        this.nextPollAt = now;
    }

    long nextPollAt() {
        return nextPollAt;
    }

    /** A wake-up: poll soon, but not sooner than the minimum interval after the last poll. */
    void wake() {
        wokenSinceLastPoll = true;
        backoffNanos = minNanos;
        long soonest = lastPollEnd + minNanos;
        if (nextPollAt - soonest > 0) {
            nextPollAt = soonest;
        }
    }

    /** Measured from the end of the query, so a slow database slows polling down rather than piling up. */
    void polled(long end, boolean foundJobs) {
        lastPollEnd = end;
        if (foundJobs) {
            backoffNanos = minNanos;
            nextPollAt = end;
        } else {
            if (lastFoundJobs && !wokenSinceLastPoll) {
                backoffNanos = maxNanos;
            }
            nextPollAt = end + backoffNanos;
            backoffNanos = Math.min(maxNanos, Math.max(1, backoffNanos * 2));
        }
        lastFoundJobs = foundJobs;
        wokenSinceLastPoll = false;
    }
}
