package dev.wakeq.worker;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads that run {@link JobHandler}s, shared by all tenants. Pollers reserve slots before they claim, so a
 * job is only ever claimed when a thread is free to start it: claimed jobs do not wait in a queue while their
 * lease runs down.
 */
final class HandlerPool {

    private final int size;
    private final Semaphore slots;
    private final ExecutorService threads;
    /** Time spent in handlers, for the operator's utilisation figure (a counter; it reads differences). */
    private final LongAdder busyNanos = new LongAdder();
    private final AtomicInteger running = new AtomicInteger();

    HandlerPool(int size) {
        this.size = size;
        slots = new Semaphore(size);
        // The queue never holds more than the reserved slots, so it is bounded by size in practice.
        threads = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("wakeq-handler"));
        ((ThreadPoolExecutor) threads).allowCoreThreadTimeOut(true);
    }

    /** Reserves up to {@code wanted} slots without blocking; returns how many it got (maybe 0). */
    int reserve(int wanted) {
        while (true) {
            int available = slots.availablePermits();
            int take = Math.min(wanted, available);
            if (take <= 0) {
                return 0;
            }
            if (slots.tryAcquire(take)) {
                return take;
            }
        }
    }

    void unreserve(int count) {
        if (count > 0) {
            slots.release(count);
        }
    }

    /** Runs a job in a slot reserved earlier; the slot is given back when {@code job} ends. */
    void run(Runnable job) {
        threads.execute(() -> {
            long start = System.nanoTime();
            running.incrementAndGet();
            try {
                job.run();
            } finally {
                running.decrementAndGet();
                busyNanos.add(System.nanoTime() - start);
                slots.release();
            }
        });
    }

    int size() {
        return size;
    }

    /**
     * Jobs running now. Not the reserved slots: a poller reserves a whole batch before each claim query, so a
     * steady trickle of jobs would look like a full batch of work.
     */
    int busy() {
        return running.get();
    }

    /** Handler time of the jobs finished so far (running ones count when they end). */
    double busySeconds() {
        return busyNanos.sum() / 1e9;
    }

    /** Lets running jobs finish within {@code grace}, then interrupts them. */
    void close(Duration grace) throws InterruptedException {
        threads.shutdown();
        if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
