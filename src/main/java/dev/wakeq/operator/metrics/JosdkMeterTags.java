package dev.wakeq.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK 5.3 counts timer events (rescheduled reconciles) under the same meter name as resource events but without
 * the {@code action} tag (java-operator-sdk issue 3038). Prometheus refuses a meter name with two tag sets, and the
 * exception escapes into JOSDK's timer thread, which then stops rescheduling anything. Giving those meters
 * {@code action="none"} keeps one tag set per name.
 */
@Singleton
@io.quarkus.arc.Unremovable
public class JosdkMeterTags {

    @Produces
    @Singleton
    @io.quarkus.arc.Unremovable
    public MeterFilter consistentEventTags() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                // Match on the Micrometer name and keys: Prometheus's snake_case names are made from them on export.
                if (id.getName().startsWith("events.received") && id.getTag("action") == null) {
                    return id.withTag(Tag.of("action", "none"));
                }
                return id;
            }
        };
    }
}
