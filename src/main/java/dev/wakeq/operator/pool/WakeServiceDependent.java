package dev.wakeq.operator.pool;

import dev.wakeq.operator.crd.WorkerPool;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The Service databases send wake-ups to: UDP (trigger) and TCP (sweep) on the same port. Created and updated
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
        int port = pool.getSpec().getWake().getPort();
        return new ServiceBuilder()
                .withNewMetadata().withName(names.wakeService()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(names.selectorLabels())
                .addNewPort().withName("wake-udp").withProtocol("UDP").withPort(port)
                .withTargetPort(new IntOrString("wake-udp")).endPort()
                .addNewPort().withName("wake-tcp").withProtocol("TCP").withPort(port)
                .withTargetPort(new IntOrString("wake-tcp")).endPort()
                .endSpec()
                .build();
    }
}
