package dev.wakeq.operator.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wakeq.operator.pool.WorkerReports;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks a relay's pods for their {@code GET /report} (the relay's status and the names of the tenants it announces),
 * found by the relay's selector labels, and says whether one tenant is announced: every pod that answers streams and
 * lists it, and at least one answers. During a rollout an old pod that lists it is not enough on its own.
 */
@Singleton
public class RelayReports {

    public static final String NOT_RUNNING = "RelayNotRunning";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** One pod's report; {@code problem} is a RelayProblem name, null while streaming. */
    public record Report(boolean streaming, String problem, String message, Set<String> tenantNames) {
    }

    /**
     * The tenant's relay state as a condition: {@code ok} only when announced. {@code reason} is Streaming, a relay
     * problem (BinlogDisabled, BinlogFormat, MissingPrivilege, AuthenticationFailed, RelayNotConnected), RelayNotRunning
     * or NotYetRegistered.
     */
    public record Verdict(boolean ok, String reason, String message) {
    }

    public Verdict verdict(KubernetesClient client, RelayNames names, String tenant) {
        return judge(fetch(client, names), names, tenant);
    }

    static Verdict judge(List<Report> reports, RelayNames names, String tenant) {
        String relay = "relay " + names.name() + " for " + names.server();
        if (reports.isEmpty()) {
            return new Verdict(false, NOT_RUNNING, relay + " has no running pod that answers yet; if this "
                    + "stays, look at the Deployment " + names.name() + " and its pod's events");
        }
        for (Report r : reports) {
            if (!r.streaming()) {
                String reason = r.problem() == null ? "RelayNotConnected" : r.problem();
                return new Verdict(false, reason, relay + ": " + r.message());
            }
        }
        for (Report r : reports) {
            if (!r.tenantNames().contains(tenant)) {
                return new Verdict(false, "NotYetRegistered", relay + " streams but has not loaded this tenant yet "
                        + "(its Secret reaches the pod within about a minute)");
            }
        }
        return new Verdict(true, "Streaming", relay + " streams the binary log and announces this tenant");
    }

    List<Report> fetch(KubernetesClient client, RelayNames names) {
        List<Pod> pods = client.pods().inNamespace(names.namespace()).withLabels(names.selectorLabels()).list()
                .getItems();
        List<Report> reports = new ArrayList<>();
        for (Pod pod : pods) {
            URI uri = WorkerReports.reportUri(pod);
            if (uri == null) {
                continue;
            }
            try {
                HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() == 200) {
                    reports.add(parse(answer.body()));
                }
            } catch (IOException e) {
                // A pod that does not answer is not counted: a starting or ending pod.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return reports;
    }

    static Report parse(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        Set<String> names = new HashSet<>();
        JsonNode list = root.path("tenantNames");
        list.forEach(n -> names.add(n.asText()));
        JsonNode problem = root.get("problem");
        return new Report(root.path("streaming").asBoolean(false),
                problem == null || problem.isNull() ? null : problem.asText(), root.path("message").asText(""),
                Set.copyOf(names));
    }
}
