package dev.wakeq.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's controller meters ({@code reconciliations_*}, {@code events_received_total}, ...), built on Quarkus's
 * meter registry. QOSDK's own {@code MicrometerMetricsProvider} hands JOSDK its meters only once Micrometer has
 * bound it as a {@code MeterBinder}; in a packaged application Quarkus binds those after the start-up event, by
 * which time the operator has already taken JOSDK's no-op {@code Metrics}, so a production operator had none (tests
 * start in another order and had them). This producer replaces that default bean and needs no binding.
 * {@link JosdkMeterTags} still applies: the meter it fixes is first registered on a rescheduled reconcile, long
 * after Quarkus has configured its filters.
 */
@Singleton
public class JosdkMetricsProducer {

    @Produces
    @Singleton
    @Unremovable
    Metrics josdkMetrics(MeterRegistry registry) {
        // No namespace tag, as QOSDK's default: one series per controller, however many namespaces are watched.
        return MicrometerMetricsV2.newBuilder(registry).build();
    }
}
