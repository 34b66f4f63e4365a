package dev.wakeq.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Every meter of the relay (docs/relay.md, "Metrics"). No tenant tags, as for workers. */
public final class RelayMetrics {

    private final Counter insertWakes;
    private final Counter sweepWakes;
    private final Counter sendFailures;
    private final Counter queueRowsEvents;
    private final Counter otherRowsEvents;
    private final Counter connects;
    /** Held here: a gauge only keeps a weak reference to the object it reads. */
    private final AtomicInteger connected = new AtomicInteger();

    public RelayMetrics(MeterRegistry registry) {
        insertWakes = Counter.builder("wakeq.relay.wakes.sent").description("Wake-ups sent")
                .tag("kind", "insert").register(registry);
        sweepWakes = Counter.builder("wakeq.relay.wakes.sent").description("Wake-ups sent")
                .tag("kind", "sweep").register(registry);
        sendFailures = Counter.builder("wakeq.relay.wakes.failed")
                .description("Wake-ups that could not be sent (the next sweep covers them)").register(registry);
        queueRowsEvents = Counter.builder("wakeq.relay.rows_events").description("Write-rows events read")
                .tag("table", "queue").register(registry);
        otherRowsEvents = Counter.builder("wakeq.relay.rows_events").description("Write-rows events read")
                .tag("table", "other").register(registry);
        connects = Counter.builder("wakeq.relay.connects")
                .description("Replication streams started (the first, and each reconnect)").register(registry);
        Gauge.builder("wakeq.relay.connected", connected, AtomicInteger::get)
                .description("1 while the relay streams the binary log").register(registry);
    }

    void insertWake() {
        insertWakes.increment();
    }

    void sweepWake() {
        sweepWakes.increment();
    }

    void sendFailure() {
        sendFailures.increment();
    }

    void queueRowsEvent() {
        queueRowsEvents.increment();
    }

    void otherRowsEvent() {
        otherRowsEvents.increment();
    }

    void connected(boolean streaming) {
        if (streaming) {
            connects.increment();
        }
        connected.set(streaming ? 1 : 0);
    }
}
