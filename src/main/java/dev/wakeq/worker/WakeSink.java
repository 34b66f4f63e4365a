package dev.wakeq.worker;

import dev.wakeq.wire.WakeMessage;

/** Where listeners deliver decoded wake-ups. Called on listener threads: must not block. */
interface WakeSink {

    /** {@code arrivalNanos} is {@link System#nanoTime()} when the bytes arrived, for wake-to-claim latency. */
    void accept(WakeMessage message, Transport transport, long arrivalNanos);
}
