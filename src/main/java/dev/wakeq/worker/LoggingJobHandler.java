package dev.wakeq.worker;

import java.util.logging.Logger;

/** Logs each job and reports success: for demos and for checking the wake path before real handlers exist. */
public final class LoggingJobHandler implements JobHandler {

    private static final Logger LOG = Logger.getLogger(LoggingJobHandler.class.getName());
    /** Payloads are user data of any size; the log gets a preview. */
    private static final int PREVIEW_CHARS = 200;

    @Override
    public void handle(Job job) {
        String payload = job.payload();
        String preview = payload.length() > PREVIEW_CHARS ? payload.substring(0, PREVIEW_CHARS) + "..." : payload;
        LOG.info(() -> "job " + job.tenant() + "#" + job.id() + " attempt " + job.attempts() + ": " + preview);
    }
}
