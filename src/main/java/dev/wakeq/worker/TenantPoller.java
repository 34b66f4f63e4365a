package dev.wakeq.worker;

import dev.wakeq.queue.QueueRow;
import dev.wakeq.queue.TenantQueue;
import dev.wakeq.wire.WakeMessage;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tenant's poller: idle (no thread, no connection) until a wake-up, then active on its own thread until the
 * queue has been empty for the idle timeout. An INSERT wake-up keeps it active for that long, because the row's
 * transaction may commit well after its trigger fired (not for a {@link WakeSource#BINLOG} tenant, whose wake-ups
 * follow the commit); a SWEEP (or a retry coming due) asks for one claim query,
 * which ends the activity at once if nothing is ready. Outcomes of jobs come back to this thread, so all of a
 * tenant's statements share its single connection. Claim pacing: {@link PollPacer}.
 */
final class TenantPoller {

    /** A saturated handler pool frees slots without telling pollers; re-check this often. */
    private static final long CAPACITY_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * How long after a relay's wake-up an empty claim query is repeated (at the pacer's backoff: 5, 10, 20 ms). The
     * server writes the binary log a moment before InnoDB's commit makes the row visible: 0 of 600 rows were
     * missed on a quiet machine (../NOTES); on a loaded one a job in about 150 waited for the sweep without this.
     */
    private static final long BINLOG_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final TenantConfig tenant;
    private final ServerAccount account;
    private final PollerContext ctx;
    private final TenantQueue queue;
    private final JobRunner runner;
    private final OutcomeRecorder recorder;
    private final long idleNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    private final PollPacer pacer;
    private final ArrayDeque<JobOutcome> outcomes = new ArrayDeque<>();
    private boolean running;
    private boolean retiring;
    private boolean pollRequested;
    private long activeUntil;
    /** A binlog tenant's poller keeps its thread and connection, sending nothing, until then: see claimed(). */
    private long lingerUntil;
    /** A binlog tenant's empty claim queries are repeated until then (the row may not be visible yet). */
    private long recheckUntil;
    private boolean wakeWaiting;
    private long firstWakeAt;
    private int inFlight;

    TenantPoller(TenantConfig tenant, PollerContext ctx) {
        this.tenant = tenant;
        this.ctx = ctx;
        this.account = ServerAccount.of(tenant);
        // Qualified table names let this tenant use a connection another tenant of the same server opened.
        this.queue = new TenantQueue(account.schema(), tenant.queueTable(), tenant.deadLetterTable());
        this.runner = new JobRunner(tenant.name(), ctx.handler(), this::isRetiring, this::report);
        this.recorder = new OutcomeRecorder(tenant.name(), queue, ctx, this::retryDue);
        // A relay's wake-up follows the commit: no quick commit polls and no idle tail for late commits (see
        // claimed() for the short re-check that replaces them).
        boolean afterCommit = tenant.wakeSource() == WakeSource.BINLOG;
        this.idleNanos = afterCommit ? 0 : ctx.config().idleTimeout().toNanos();
        long now = System.nanoTime();
        this.activeUntil = now;
        this.lingerUntil = now;
        this.recheckUntil = now;
        this.pacer = new PollPacer(ctx.config().minPollInterval().toNanos(),
                ctx.config().maxPollInterval().toNanos(), afterCommit ? 0 : ctx.config().commitPollInterval().toNanos(),
                afterCommit ? 0 : ctx.config().commitWindow().toNanos(), now);
    }

    TenantConfig tenant() {
        return tenant;
    }

    /** A wake-up from the listener. {@code arrivalNanos} starts the wake-to-claim clock. */
    void wake(WakeMessage.Kind kind, long arrivalNanos) {
        lock.lock();
        try {
            if (retiring) {
                return;
            }
            if (!wakeWaiting) {
                wakeWaiting = true;
                firstWakeAt = arrivalNanos;
            }
            if (kind == WakeMessage.Kind.INSERT && arrivalNanos + idleNanos - activeUntil > 0) {
                activeUntil = arrivalNanos + idleNanos;
            }
            if (kind == WakeMessage.Kind.INSERT && tenant.wakeSource() == WakeSource.BINLOG) {
                recheckUntil = arrivalNanos + BINLOG_RECHECK_NANOS;
            }
            requestPoll(arrivalNanos);
        } finally {
            lock.unlock();
        }
    }

    /** A retry this poller scheduled has come due: one claim query, as for a sweep, but no latency sample. */
    void retryDue() {
        lock.lock();
        try {
            if (!retiring) {
                requestPoll(System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    private void requestPoll(long now) {
        pollRequested = true;
        pacer.wake(now);
        if (!running) {
            running = true;
            ctx.pollerThreads().execute(this::run);
        } else {
            changed.signalAll();
        }
    }

    /** Stops claiming; jobs already running finish and are recorded, unstarted ones are released. */
    void retire() {
        lock.lock();
        try {
            retiring = true;
            pollRequested = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the poller thread has ended; false if it is still running at {@code deadlineNanos}. */
    boolean awaitStopped(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (running) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isRetiring() {
        lock.lock();
        try {
            return retiring;
        } finally {
            lock.unlock();
        }
    }

    private void report(QueueRow row, Throwable error, boolean started) {
        // Recorded on the poller's thread: a tenant's statements all go through its one connection.
        lock.lock();
        try {
            outcomes.add(new JobOutcome(row, error, started));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        ctx.metrics().pollerStarted();
        Thread.currentThread().setName("wakeq-poller-" + tenant.name());
        try (DbSession db = new DbSession(tenant, account, ctx)) {
            Work work;
            while ((work = nextWork(db)) != null) {
                if (work.settle() != null) {
                    settle(db, work.settle());
                } else {
                    poll(db, work.slots());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped();
        } finally {
            ctx.metrics().pollerStopped();
            Thread.currentThread().setName("wakeq-poller-idle");
        }
    }

    /** Either outcomes to record or a number of reserved handler slots to claim for. */
    private record Work(List<JobOutcome> settle, int slots) {
    }

    /** Blocks until there is something to do; null when the poller should stop (running is then false). */
    private Work nextWork(DbSession db) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                if (!outcomes.isEmpty() && db.ready(now)) {
                    List<JobOutcome> batch = new ArrayList<>(outcomes);
                    outcomes.clear();
                    return new Work(batch, 0);
                }
                boolean wantPoll = !retiring && (pollRequested || now - activeUntil < 0);
                long wakeAt = Long.MAX_VALUE;
                if (wantPoll) {
                    if (now - pacer.nextPollAt() >= 0 && db.ready(now)) {
                        int slots = ctx.pool().reserve(ctx.config().batchSize() - inFlight);
                        if (slots > 0) {
                            pollRequested = false;
                            return new Work(null, slots);
                        }
                        wakeAt = now + CAPACITY_RECHECK_NANOS;
                    } else {
                        wakeAt = db.ready(now) ? pacer.nextPollAt() : db.retryAt();
                    }
                    if (!pollRequested && activeUntil - wakeAt < 0) {
                        wakeAt = activeUntil;
                    }
                } else if (!retiring && inFlight == 0 && outcomes.isEmpty() && lingerUntil - now > 0) {
                    // No query, but the next wake-up finds the connection open (a new one costs milliseconds).
                    wakeAt = lingerUntil;
                } else if (inFlight == 0 && outcomes.isEmpty()) {
                    stopped();
                    return null;
                } else if (!outcomes.isEmpty()) {
                    wakeAt = db.retryAt();
                }
                if (wakeAt == Long.MAX_VALUE) {
                    changed.await();
                } else if (wakeAt - now > 0) {
                    changed.awaitNanos(wakeAt - now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void stopped() {
        lock.lock();
        try {
            running = false;
            wakeWaiting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void poll(DbSession db, int slots) {
        var connection = db.connection();
        if (connection == null) {
            ctx.pool().unreserve(slots);
            return;
        }
        int[] started = {0};
        try {
            ctx.metrics().polled();
            // Jobs start before the claim's COMMIT returns (TenantQueue.claim says why that is safe).
            String lock = db.lock();
            queue.claim(connection, ctx.nextClaimToken(lock), slots, ctx.config().lease(), rows -> {
                if (!rows.isEmpty()) {
                    db.claimedThrough(lock);
                }
                started[0] = rows.size();
                claimed(rows, slots);
            });
            db.succeeded();
        } catch (SQLException e) {
            ctx.pool().unreserve(slots - started[0]);
            db.failed("claim", e);
        }
    }

    /** Books a claim query's rows and hands them to the handler pool. */
    private void claimed(List<QueueRow> rows, int slots) {
        long end = System.nanoTime();
        ctx.pool().unreserve(slots - rows.size());
        lock.lock();
        try {
            pacer.polled(end, !rows.isEmpty());
            if (rows.isEmpty() && end - recheckUntil < 0) {
                pollRequested = true;
            }
            if (!rows.isEmpty()) {
                inFlight += rows.size();
                ctx.journal().started(tenant.key(), rows.size());
                if (tenant.wakeSource() == WakeSource.BINLOG) {
                    lingerUntil = end + ctx.config().idleTimeout().toNanos();
                }
                if (rows.size() == slots) {
                    // A full batch may have left rows behind: ask for the next claim as soon as a handler slot is
                    // free, even if that is after the idle tail (jobs that outlast it would otherwise leave the
                    // rest to the sweep). A short batch found every ready row, and rows inserted since bring their
                    // own wake-up.
                    pollRequested = true;
                }
                if (end + idleNanos - activeUntil > 0) {
                    activeUntil = end + idleNanos;
                }
                if (wakeWaiting) {
                    wakeWaiting = false;
                    ctx.metrics().wakeToClaim(end - firstWakeAt);
                }
            }
        } finally {
            lock.unlock();
        }
        ctx.metrics().claimed(rows.size());
        rows.forEach(row -> ctx.pool().run(() -> runner.run(row)));
    }

    private void settle(DbSession db, List<JobOutcome> batch) {
        var connection = db.connection();
        int i = 0;
        try {
            if (connection == null) {
                return;
            }
            for (; i < batch.size(); i++) {
                recorder.record(connection, batch.get(i));
                db.succeeded();
            }
        } catch (SQLException e) {
            db.failed("settle", e);
        } finally {
            lock.lock();
            try {
                // What was not recorded goes back, first in line, for the reconnected session.
                List<JobOutcome> rest = connection == null ? batch : batch.subList(i, batch.size());
                for (int k = rest.size() - 1; k >= 0; k--) {
                    outcomes.addFirst(rest.get(k));
                }
                inFlight -= batch.size() - rest.size();
                ctx.journal().finished(tenant.key(), batch.size() - rest.size());
            } finally {
                lock.unlock();
            }
        }
    }
}
