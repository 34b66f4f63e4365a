package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * The Service databases send wake-ups to: UDP (trigger) and TCP (sweep) on the same port, in front of the workers
 * and, in a pool that may scale to zero, its receiver (both carry the pool label). Created and updated
 * without server-side apply: kube-apiserver 1.20 answers a server-side-apply create of a Service with HTTP 500
 * "resourceVersion should not be set on objects to be created" (seen on the test bed's real 1.20.2 server).
 */
@KubernetesDependent(useSSA = BooleanWithUndefined.FALSE,
        informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class WakeServiceDependent extends PoolDependent<Service> {

    public WakeServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(WorkerPool pool, Context<WorkerPool> context) {
        return desired(pool);
    }

    static Service desired(WorkerPool pool) {
        PoolNames names = PoolNames.of(pool);
        return service(names.wakeService(), names, names.wakeSelector(), pool.getSpec().getWake().getPort(), true);
    }

    /** A ClusterIP Service on the wake port: TCP, and UDP too when {@code udp}. */
    static Service service(String name, PoolNames names, Map<String, String> selector, int port, boolean udp) {
        ServiceSpecBuilder spec = new ServiceSpecBuilder().withType("ClusterIP").withSelector(selector);
        if (udp) {
            spec.addNewPort().withName("wake-udp").withProtocol("UDP").withPort(port)
                    .withTargetPort(new IntOrString("wake-udp")).endPort();
        }
        spec.addNewPort().withName("wake-tcp").withProtocol("TCP").withPort(port)
                .withTargetPort(new IntOrString("wake-tcp")).endPort();
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(names.namespace()).withLabels(names.labels())
                .endMetadata()
                .withSpec(spec.build())
                .build();
    }
}
