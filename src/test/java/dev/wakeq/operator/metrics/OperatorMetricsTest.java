package dev.wakeq.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.operator.crd.QueueTenant;
import dev.wakeq.operator.crd.QueueTenantStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

    @Test
    void aNewInstanceOnTheSameRegistryTakesTheTenantGaugesOver() {
        // As after a Quarkus restart in one JVM: the global registry still holds the first instance's gauges.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new OperatorMetrics(registry).tenantsReconciled(cache(tenant("True")));
        OperatorMetrics second = new OperatorMetrics(registry);
        second.tenantsReconciled(cache(tenant("True"), tenant("True"), tenant("False")));

        assertThat(registry.get(OperatorMetrics.TENANTS).tag("status", "True").gauge().value()).isEqualTo(2);
        assertThat(registry.get(OperatorMetrics.TENANTS).tag("status", "False").gauge().value()).isEqualTo(1);
    }

    private static QueueTenant tenant(String ready) {
        QueueTenant t = new QueueTenant();
        QueueTenantStatus status = new QueueTenantStatus();
        status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready).build()));
        t.setStatus(status);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static IndexedResourceCache<QueueTenant> cache(QueueTenant... tenants) {
        return (IndexedResourceCache<QueueTenant>) Proxy.newProxyInstance(OperatorMetricsTest.class.getClassLoader(),
                new Class<?>[] {IndexedResourceCache.class}, (proxy, method, args) -> {
                    if (method.getName().equals("list") && (args == null || args.length == 0)) {
                        return List.of(tenants).stream();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
