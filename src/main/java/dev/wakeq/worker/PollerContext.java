package dev.wakeq.worker;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/** What all tenant pollers of one runtime share. */
record PollerContext(WorkerConfig config, WorkerMetrics metrics, JobHandler handler, HandlerPool pool,
                     Executor pollerThreads, ScheduledExecutorService timers, RetryPolicy retry,
                     AtomicLong claimCounter, ServerConnections connections) {

    /** Unique per claim, so a job claimed twice by this worker (expired lease) still tells the claims apart. */
    String nextClaimToken() {
        return config.workerId() + ":" + claimCounter.incrementAndGet();
    }
}
