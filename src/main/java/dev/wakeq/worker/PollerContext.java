package dev.wakeq.worker;

import dev.wakeq.queue.ClaimLiveness;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/** What all tenant pollers of one runtime share. */
record PollerContext(WorkerConfig config, WorkerMetrics metrics, JobHandler handler, HandlerPool pool,
                     Executor pollerThreads, ScheduledExecutorService timers, RetryPolicy retry,
                     AtomicLong claimCounter, ServerConnections connections, String livenessProcess,
                     InFlightJournal journal) {

    /**
     * Unique per claim, so a job claimed twice by this worker (expired lease) still tells the claims apart; starts
     * with the claiming connection's liveness lock.
     */
    String nextClaimToken(String lock) {
        return ClaimLiveness.claimToken(lock, claimCounter.incrementAndGet(), config.workerId());
    }

    /** A liveness lock name no other connection of any worker uses. */
    String nextLockName() {
        return ClaimLiveness.lockName(livenessProcess, claimCounter.incrementAndGet());
    }
}
