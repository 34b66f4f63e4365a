package dev.wakeq.bench;

import dev.wakeq.demo.LatencyLog;
import dev.wakeq.worker.Job;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The commit-to-claim measurement of {@code scripts/bench.sh} and {@code scripts/latency-bench.sh}: single-row
 * autocommit inserts, one at a time and 50 ms apart (so the poller stays active), each timed from the INSERT's
 * return to the handler's call. Give {@link #handle} to the worker as the tenant's handler, then {@link #run}.
 */
public final class CommitToClaim {

    private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
    private final LatencyLog claim = new LatencyLog();
    private final LatencyLog insert = new LatencyLog();
    private volatile CountDownLatch done;

    public void handle(Job job) {
        long now = System.nanoTime();
        Long c = committedAt.get(job.payload());
        while (c == null) { // the handler can run before the inserter has stored its commit time
            Thread.onSpinWait();
            c = committedAt.get(job.payload());
        }
        claim.add((now - c) / 1e6);
        done.countDown();
    }

    /**
     * Inserts {@code samples} rows into {@code _queue} through {@code s} and waits for each to be handled.
     *
     * @param stuck what to add to the error when a job is not handled within 10 s
     */
    public void run(Statement s, int samples, Supplier<String> stuck) throws Exception {
        for (int i = 0; i < samples; i++) {
            done = new CountDownLatch(1);
            long t0 = System.nanoTime();
            s.executeUpdate("INSERT INTO `_queue` (payload) VALUES ('" + i + "')");
            insert.add((System.nanoTime() - t0) / 1e6);
            committedAt.put(Integer.toString(i), System.nanoTime());
            if (!done.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("job " + i + " not handled within 10 s" + stuck.get());
            }
            Thread.sleep(50);
        }
    }

    /** Commit to handler call, in milliseconds. */
    public LatencyLog claim() {
        return claim;
    }

    /** The INSERT statements themselves (the trigger fires early in each, the commit ends it). */
    public LatencyLog insert() {
        return insert;
    }
}
