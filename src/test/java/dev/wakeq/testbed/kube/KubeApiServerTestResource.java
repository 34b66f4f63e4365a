package dev.wakeq.testbed.kube;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the shared real kube-apiserver. Use with
 * {@code @QuarkusTestResource(value = KubeApiServerTestResource.class, restrictToAnnotatedClass = true)} and
 * {@link RequiresKubeApiServer} (so a machine without the binaries skips instead of failing).
 *
 * <p>Fabric8 reads the {@code kubeconfig} system property when Quarkus builds its client. Returning
 * {@code quarkus.kubernetes-client.api-server-url} and friends from here would not work: they are build-time
 * properties and Quarkus ignores their runtime values.
 */
public class KubeApiServerTestResource implements QuarkusTestResourceLifecycleManager {

    static final String KUBECONFIG_PROPERTY = "kubeconfig";

    private String previousKubeconfig;

    @Override
    public Map<String, String> start() {
        KubeApiServers.RunningKubeApiServer server = KubeApiServers.shared();
        previousKubeconfig = System.setProperty(KUBECONFIG_PROPERTY, server.kubeconfigFile().toString());
        return Map.of();
    }

    @Override
    public void stop() {
        // The server itself lives on for the JVM's other tests; only undo what this resource changed.
        if (previousKubeconfig == null) {
            System.clearProperty(KUBECONFIG_PROPERTY);
        } else {
            System.setProperty(KUBECONFIG_PROPERTY, previousKubeconfig);
        }
    }
}
