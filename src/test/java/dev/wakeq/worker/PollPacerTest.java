package dev.wakeq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PollPacerTest {

    private static final long MS = 1_000_000L;

    /** Quick polls off: the pacer as it was before the commit window. */
    private static PollPacer plain(long max) {
        return new PollPacer(5 * MS, max, 0, 0, 0);
    }

    private static PollPacer withCommitWindow() {
        return new PollPacer(5 * MS, 1000 * MS, MS, 10 * MS, 0);
    }

    @Test
    void emptyPollsBackOffByDoublingToTheCap() {
        PollPacer p = plain(250 * MS);
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
        PollPacer p = withCommitWindow();
        p.polled(100 * MS, true);
        assertThat(p.nextPollAt()).isEqualTo(100 * MS);
    }

    @Test
    void drainedQueueWithNoNewWakeGoesStraightToTheMaximum() {
        PollPacer p = withCommitWindow();
        p.polled(10 * MS, true);
        p.polled(11 * MS, false);
        assertThat(p.nextPollAt() - 11 * MS).isEqualTo(1000 * MS);
    }

    @Test
    void wakeDuringTheDrainKeepsTheQuickPollsForTheNewRow() {
        PollPacer p = plain(1000 * MS);
        p.polled(10 * MS, true);
        p.wake(10 * MS);
        p.polled(11 * MS, false);
        assertThat(p.nextPollAt() - 11 * MS).isEqualTo(5 * MS);
        p.polled(16 * MS, false);
        assertThat(p.nextPollAt() - 16 * MS).isEqualTo(10 * MS);
    }

    @Test
    void wakeCutsTheBackoffShort() {
        PollPacer p = plain(250 * MS);
        for (int i = 0; i < 10; i++) {
            p.polled(i * 300 * MS, false);
        }
        long last = 9 * 300 * MS;
        assertThat(p.nextPollAt() - last).isEqualTo(250 * MS);
        p.wake(last + 2 * MS);
        assertThat(p.nextPollAt() - last).isLessThanOrEqualTo(5 * MS);
    }

    @Test
    void wakeOfAnIdlePollerWaitsOneCommitPollIntervalForTheCommit() {
        PollPacer p = withCommitWindow();
        p.polled(10 * MS, false);
        long wokenAt = 5000 * MS; // the scheduled poll is long overdue: the poller was idle
        p.wake(wokenAt);
        assertThat(p.nextPollAt()).isEqualTo(wokenAt + MS);
    }

    @Test
    void afterAWakeEmptyPollsRepeatAtTheCommitPollIntervalUntilTheWindowEnds() {
        PollPacer p = withCommitWindow();
        long wokenAt = 5000 * MS;
        p.wake(wokenAt);
        long t = p.nextPollAt();
        int quick = 0;
        while (true) {
            long end = t + MS / 5; // a 0.2 ms query
            p.polled(end, false);
            if (p.nextPollAt() - end != MS) {
                break;
            }
            quick++;
            t = p.nextPollAt();
        }
        assertThat(quick).isBetween(7, 9);
        assertThat(p.nextPollAt() - t).isGreaterThanOrEqualTo(5 * MS);
    }

    @Test
    void wakeWhileJobsAreFlowingDoesNotDelayTheNextPoll() {
        PollPacer p = withCommitWindow();
        p.polled(10 * MS, true);
        p.wake(10 * MS);
        assertThat(p.nextPollAt()).isEqualTo(10 * MS);
    }

    @Test
    void laterWakesDoNotPostponeThePoll() {
        PollPacer p = withCommitWindow();
        p.polled(10 * MS, false);
        p.wake(100 * MS);
        p.wake(100 * MS + MS / 2);
        assertThat(p.nextPollAt()).isEqualTo(101 * MS);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anyNumberOfWakesAllowsAtMostOnePollPerMinimumIntervalPlusOneBurst(boolean commitWindow) {
        PollPacer p = commitWindow ? withCommitWindow() : plain(250 * MS);
        long now = 0;
        int polls = 0;
        // One simulated second, with a wake-up every 10 microseconds and a 0.2 ms query.
        while (now < 1000 * MS) {
            p.wake(now);
            if (now >= p.nextPollAt()) {
                polls++;
                now += MS / 5;
                p.polled(now, false);
            }
            now += 10_000;
        }
        assertThat(polls).isLessThanOrEqualTo(1000 / 5 + 1 + (commitWindow ? 11 : 0)).isGreaterThanOrEqualTo(190);
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
