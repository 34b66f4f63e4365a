package dev.wakeq.testbed.node;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;

/**
 * The chart installed on the real node as a user installs it: helm (helm-java, the same Go code as the CLI)
 * with the chart's default values except the image pull policy (no registry here: the images were imported).
 * Once per test JVM; test classes share the release.
 */
public final class ChartRelease {

    public static final String NAME = "wakeq";
    public static final String NAMESPACE = "wakeq";
    private static Release release;

    private ChartRelease() {
    }

    /** {@code helm install wakeq ./helm/wakeq -n wakeq --create-namespace --set image.pullPolicy=Never --wait}. */
    public static synchronized Release installed(RealNode node) {
        if (release == null) {
            // A node brought up by hand (WAKEQ_NODE_DIR) may have the release from an earlier run.
            release = Helm.list().withNamespace(NAMESPACE).withKubeConfig(node.kubeconfig()).call().stream()
                    .filter(r -> NAME.equals(r.getName())).findFirst().orElse(null);
        }
        if (release == null) {
            release = new Helm(Images.projectDir().resolve("helm/wakeq")).install()
                    .withName(NAME).withNamespace(NAMESPACE).createNamespace()
                    .set("image.pullPolicy", "Never")
                    .withKubeConfig(node.kubeconfig())
                    .waitReady().withTimeout(300)
                    .call();
        }
        return release;
    }

    /**
     * {@code helm upgrade wakeq ./helm/wakeq -n wakeq --set image.pullPolicy=Never --set KEY=VALUE... --wait}: the
     * same chart with one value changed, as a user upgrades.
     */
    public static synchronized Release upgrade(RealNode node, String key, String value) {
        installed(node);
        release = new Helm(Images.projectDir().resolve("helm/wakeq")).upgrade()
                .withName(NAME).withNamespace(NAMESPACE)
                .set("image.pullPolicy", "Never").set(key, value)
                .withKubeConfig(node.kubeconfig())
                .waitReady().withTimeout(300)
                .call();
        return release;
    }

    /** {@code helm uninstall wakeq -n wakeq}; a later {@link #installed} installs the chart again. */
    public static synchronized String uninstall(RealNode node) {
        String out = Helm.uninstall(NAME).withNamespace(NAMESPACE).withKubeConfig(node.kubeconfig()).call();
        release = null;
        return out;
    }

    /** The release's one operator pod, or null while there is not exactly one. */
    public static Pod operatorPod(KubernetesClient client) {
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/name", "wakeq").list()
                .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        return pods.size() == 1 ? pods.get(0) : null;
    }

    /** The operator's leader-election Lease (named after the release, in its namespace). */
    public static Lease lease(KubernetesClient client) {
        return client.leases().inNamespace(NAMESPACE).withName(NAME).get();
    }

    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static int restarts(Pod pod) {
        return pod == null ? 0 : pod.getStatus().getContainerStatuses().stream()
                .map(s -> s.getRestartCount()).filter(Objects::nonNull).mapToInt(Integer::intValue).sum();
    }
}
