package dev.wakeq.testbed.node;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

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
}
