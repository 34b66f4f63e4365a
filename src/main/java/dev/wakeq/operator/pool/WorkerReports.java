package dev.wakeq.operator.pool;

import dev.wakeq.worker.WorkerReport;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Asks each running worker pod of a pool for its {@link WorkerReport} ({@code GET /report} on the pod's
 * {@code metrics} port). The pods are listed by the pool's selector labels, so the cost grows with the pool's
 * workers, not with the cluster. A pod that does not answer in time is counted, not waited for.
 */
@Singleton
public class WorkerReports {

    private static final Logger LOG = Logger.getLogger(WorkerReports.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** The reports of a pool's workers, and how many running pods did not answer. */
    public record Result(List<WorkerReport> reports, int unanswered) {
    }

    /** The reports of the pods with {@code labels} in the namespace: a pool's workers, or its receiver. */
    public Result fetch(KubernetesClient client, String namespace, Map<String, String> labels) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
        Map<String, CompletableFuture<WorkerReport>> asked = new java.util.LinkedHashMap<>();
        for (Pod pod : pods) {
            URI uri = reportUri(pod);
            if (uri != null) {
                asked.put(pod.getMetadata().getName(), http.sendAsync(
                                HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(WorkerReports::parse));
            }
        }
        List<WorkerReport> reports = new ArrayList<>();
        int unanswered = 0;
        for (Map.Entry<String, CompletableFuture<WorkerReport>> a : asked.entrySet()) {
            try {
                reports.add(a.getValue().join());
            } catch (RuntimeException e) {
                unanswered++;
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.debugf("pod %s/%s gave no report: %s", namespace, a.getKey(), cause.toString());
            }
        }
        return new Result(reports, unanswered);
    }

    private static WorkerReport parse(HttpResponse<byte[]> answer) {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + answer.statusCode());
        }
        try {
            return WorkerReport.parse(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("not a worker report: " + e.getMessage());
        }
    }

    /** The pod's report address, or null for a pod that has no IP yet or has ended. */
    public static URI reportUri(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isBlank()
                || "Succeeded".equals(pod.getStatus().getPhase()) || "Failed".equals(pod.getStatus().getPhase())
                || pod.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        String ip = pod.getStatus().getPodIP();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return URI.create("http://" + host + ":" + metricsPort(pod) + "/report");
    }

    /** The port named {@code metrics} in the pod's spec, where the worker serves its HTTP endpoint. */
    private static int metricsPort(Pod pod) {
        if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            for (Container c : pod.getSpec().getContainers()) {
                for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                    if (WorkerDeploymentDependent.METRICS_PORT_NAME.equals(p.getName()) && p.getContainerPort() != null) {
                        return p.getContainerPort();
                    }
                }
            }
        }
        return WorkerDeploymentDependent.METRICS_PORT;
    }
}
