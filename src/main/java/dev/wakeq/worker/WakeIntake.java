package dev.wakeq.worker;

import dev.wakeq.wire.Decoded;
import dev.wakeq.wire.DropReason;
import dev.wakeq.wire.WakeCodec;

/** Where both listeners hand raw bytes: decoded, counted, and passed on or dropped. */
final class WakeIntake {

    private final WakeSink sink;
    private final WorkerMetrics metrics;

    WakeIntake(WakeSink sink, WorkerMetrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    void receive(byte[] buf, int length, Transport transport, long arrivalNanos) {
        Decoded decoded = WakeCodec.decode(buf, 0, length);
        if (decoded instanceof Decoded.Message m) {
            metrics.wakeReceived(m.message().kind(), transport);
            sink.accept(m.message(), transport, arrivalNanos);
        } else {
            drop(((Decoded.Dropped) decoded).reason());
        }
    }

    void drop(DropReason reason) {
        metrics.wakeDropped(reason);
    }
}
