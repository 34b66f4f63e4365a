package dev.wakeq.worker;

import dev.wakeq.queue.QueueRow;

/** How a claimed job ended: not started (shutdown), done ({@code error} null) or failed. */
record JobOutcome(QueueRow row, Throwable error, boolean started) {
}
