package dev.wakeq.worker;

/**
 * When one tenant's next claim query may run. After a poll that found jobs: at once. After an empty poll: after a
 * backoff that doubles from the minimum to the maximum interval. A wake-up resets the backoff but never brings
 * the next poll closer than the minimum interval after the last one, so no number of wake-ups can raise a
 * tenant's query rate above one per minimum interval. Times are {@link System#nanoTime()} values.
 * Not thread-safe: the owning poller guards it.
 */
final class PollPacer {

    private final long minNanos;
    private final long maxNanos;
    private long backoffNanos;
    private long lastPollEnd;
    private long nextPollAt;

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
            nextPollAt = end + backoffNanos;
            backoffNanos = Math.min(maxNanos, Math.max(1, backoffNanos * 2));
        }
    }
}
