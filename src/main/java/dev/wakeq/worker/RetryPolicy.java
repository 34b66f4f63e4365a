package dev.wakeq.worker;

import java.time.Duration;

/** After which attempt a failed job is dead-lettered, and how long it waits before the next attempt. */
record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {

    boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** {@code firstBackoff * 2^(attempts-1)}, capped: 1 s, 2 s, 4 s, ... with the defaults. */
    Duration backoffAfter(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = firstBackoff.multipliedBy(1L << doublings);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
