package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PollPacerTest {

    private static final long MS = 1_000_000L;

    @Test
    void emptyPollsBackOffByDoublingToTheCap() {
        PollPacer p = new PollPacer(5 * MS, 250 * MS, 0);
        long t = 0;
        long[] waits = new long[9];
        for (int i = 0; i < waits.length; i++) {
            p.polled(t, false);
            waits[i] = (p.nextPollAt() - t) / MS;
            t = p.nextPollAt();
        }
        assertThat(waits).containsExactly(5, 10, 20, 40, 80, 160, 250, 250, 250);
    }

    @Test
    void pollThatFoundJobsIsFollowedAtOnce() {
        PollPacer p = new PollPacer(5 * MS, 250 * MS, 0);
        p.polled(100 * MS, true);
        assertThat(p.nextPollAt()).isEqualTo(100 * MS);
    }

    @Test
    void drainedQueueWithNoNewWakeGoesStraightToTheMaximum() {
        PollPacer p = new PollPacer(5 * MS, 1000 * MS, 0);
        p.polled(10 * MS, true);
        p.polled(11 * MS, false);
        assertThat(p.nextPollAt() - 11 * MS).isEqualTo(1000 * MS);
    }

    @Test
    void wakeDuringTheDrainKeepsTheQuickPollsForTheNewRow() {
        PollPacer p = new PollPacer(5 * MS, 1000 * MS, 0);
        p.polled(10 * MS, true);
        p.wake();
        p.polled(11 * MS, false);
        assertThat(p.nextPollAt() - 11 * MS).isEqualTo(5 * MS);
        p.polled(16 * MS, false);
        assertThat(p.nextPollAt() - 16 * MS).isEqualTo(10 * MS);
    }

    @Test
    void wakeCutsTheBackoffShortButNeverBelowTheMinimumInterval() {
        PollPacer p = new PollPacer(5 * MS, 250 * MS, 0);
        for (int i = 0; i < 10; i++) {
            p.polled(i * 300 * MS, false);
        }
        long last = 9 * 300 * MS;
        assertThat(p.nextPollAt() - last).isEqualTo(250 * MS);
        p.wake();
        assertThat(p.nextPollAt() - last).isEqualTo(5 * MS);
        p.wake();
        assertThat(p.nextPollAt() - last).isEqualTo(5 * MS);
    }

    @Test
    void anyNumberOfWakesAllowsAtMostOnePollPerMinimumInterval() {
        PollPacer p = new PollPacer(5 * MS, 250 * MS, 0);
        long now = 0;
        int polls = 0;
        // One simulated second, with a wake-up every 10 microseconds and a 1 ms query.
        while (now < 1000 * MS) {
            p.wake();
            if (now >= p.nextPollAt()) {
                polls++;
                now += MS;
                p.polled(now, false);
            }
            now += 10_000;
        }
        assertThat(polls).isLessThanOrEqualTo(1000 / 5 + 1);
    }

    @Test
    void retryPolicyDoublesUpToItsCapAndCountsAttempts() {
        RetryPolicy r = new RetryPolicy(5, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5));
        assertThat(r.backoffAfter(1)).hasSeconds(1);
        assertThat(r.backoffAfter(2)).hasSeconds(2);
        assertThat(r.backoffAfter(3)).hasSeconds(4);
        assertThat(r.backoffAfter(4)).hasSeconds(5);
        assertThat(r.backoffAfter(1000)).hasSeconds(5);
        assertThat(r.exhausted(4)).isFalse();
        assertThat(r.exhausted(5)).isTrue();
    }
}
