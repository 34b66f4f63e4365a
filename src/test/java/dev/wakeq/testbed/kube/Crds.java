package dev.wakeq.testbed.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Applies CRDs and waits until the server serves them. A CRD that was just created is not usable at once
 * (creating its custom resources fails until it is Established), and QOSDK's own CRD apply does not wait.
 */
public final class Crds {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String FIELD_MANAGER = "wakeq-testbed";

    private Crds() {
    }

    /** Applies the CRD in a classpath resource (server-side apply) and waits until it is Established. */
    public static CustomResourceDefinition applyAndAwaitEstablished(KubernetesClient client, String classpathResource) {
        try (InputStream in = Crds.class.getClassLoader().getResourceAsStream(classpathResource)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + classpathResource);
            }
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            return applyAndAwaitEstablished(client, crd, DEFAULT_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CustomResourceDefinition applyAndAwaitEstablished(KubernetesClient client,
            CustomResourceDefinition crd, Duration timeout) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        return client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(Crds::isEstablished, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static boolean isEstablished(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
