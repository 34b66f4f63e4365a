package dev.wakeq.worker;

import dev.wakeq.queue.QueueRow;
import dev.wakeq.queue.TenantQueue;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Writes a job's outcome to its tenant's queue: delete, retry later, dead-letter, or release unstarted. */
final class OutcomeRecorder {

    /** The row comes due in database time; this slack keeps the self-wake from arriving just before. */
    private static final long RETRY_SLACK_MILLIS = 20;

    private final String tenantName;
    private final TenantQueue queue;
    private final PollerContext ctx;
    private final Runnable retryDue;

    OutcomeRecorder(String tenantName, TenantQueue queue, PollerContext ctx, Runnable retryDue) {
        this.tenantName = tenantName;
        this.queue = queue;
        this.ctx = ctx;
        this.retryDue = retryDue;
    }

    void record(Connection c, JobOutcome outcome) throws SQLException {
        QueueRow row = outcome.row();
        if (!outcome.started()) {
            queue.release(c, List.of(row));
        } else if (outcome.error() == null) {
            if (queue.complete(c, row)) {
                ctx.metrics().done();
            } else {
                ctx.metrics().leaseLost();
            }
        } else {
            recordFailure(c, row, outcome.error());
        }
    }

    private void recordFailure(Connection c, QueueRow row, Throwable error) throws SQLException {
        ctx.metrics().failed();
        String message = JobRunner.describe(error);
        if (ctx.retry().exhausted(row.attempts())) {
            if (queue.deadLetter(c, row, message)) {
                ctx.metrics().deadLettered();
                JobRunner.LOG.warning("job " + tenantName + "#" + row.id() + " dead-lettered after "
                        + row.attempts() + " attempts: " + firstLine(message));
            } else {
                ctx.metrics().leaseLost();
            }
            return;
        }
        Duration backoff = ctx.retry().backoffAfter(row.attempts());
        if (queue.fail(c, row, backoff, message)) {
            JobRunner.LOG.info("job " + tenantName + "#" + row.id() + " attempt " + row.attempts()
                    + " failed, retry in " + backoff.toMillis() + " ms: " + firstLine(message));
            ctx.timers().schedule(retryDue, backoff.toMillis() + RETRY_SLACK_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ctx.metrics().leaseLost();
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
