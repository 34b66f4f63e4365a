package dev.wakeq.worker;

import dev.wakeq.queue.QueueRow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/** Runs one claimed job through the handler on a pool thread and reports how it went. */
final class JobRunner {

    static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    /** Frames of a stack trace kept in last_error: the top is what locates a failure. */
    private static final int TRACE_CHARS = 1500;

    interface Reporter {
        void report(QueueRow row, Throwable error, boolean started);
    }

    private final String tenantName;
    private final JobHandler handler;
    private final BooleanSupplier stopping;
    private final Reporter reporter;

    JobRunner(String tenantName, JobHandler handler, BooleanSupplier stopping, Reporter reporter) {
        this.tenantName = tenantName;
        this.handler = handler;
        this.stopping = stopping;
        this.reporter = reporter;
    }

    void run(QueueRow row) {
        if (stopping.getAsBoolean()) {
            reporter.report(row, null, false);
            return;
        }
        Throwable error = null;
        try {
            handler.handle(new Job(tenantName, row.id(), row.payload(), row.attempts()));
        } catch (Throwable t) {
            error = t;
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        reporter.report(row, error, true);
    }

    /** The exception and the top of its stack trace, for last_error and the log. */
    static String describe(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > TRACE_CHARS ? text.substring(0, TRACE_CHARS) + "..." : text;
    }
}
