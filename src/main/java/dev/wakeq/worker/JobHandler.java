package dev.wakeq.worker;

/**
 * The code that does the work. Called on a worker thread; several jobs (of one or many tenants) run at once, so an
 * implementation must be thread-safe. Delivery is at-least-once: a job may be handled again after a crash or an
 * expired lease, so handling should be idempotent (key on {@code tenant} + {@code id}).
 */
@FunctionalInterface
public interface JobHandler {

    /**
     * Returning normally means done: the job is deleted. Throwing means failed: the job is retried later with
     * exponential backoff and moved to the dead-letter table after the configured number of attempts. An
     * interrupt means the worker is shutting down past its grace period.
     */
    void handle(Job job) throws Exception;
}
