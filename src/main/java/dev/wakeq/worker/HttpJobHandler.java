package dev.wakeq.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs each job as JSON ({@code {"tenant":..,"id":..,"attempts":..,"payload":..}}) to one URL. A 2xx answer
 * means done; any other status, a timeout or a connection error means failed (and retried). The header
 * {@code Idempotency-Key: <tenant>/<id>} lets the receiver drop the duplicates that at-least-once delivery brings.
 */
public final class HttpJobHandler implements JobHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Enough of an error body to diagnose, not enough to flood last_error. */
    private static final int ERROR_BODY_CHARS = 300;

    private final URI url;
    private final Duration requestTimeout;
    private final HttpClient client;

    public HttpJobHandler(URI url, Duration connectTimeout, Duration requestTimeout) {
        this.url = url;
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Connect timeout 5 s, request timeout 30 s: well inside the default 60 s lease. */
    public HttpJobHandler(URI url) {
        this(url, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    public void handle(Job job) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode()
                .put("tenant", job.tenant())
                .put("id", job.id())
                .put("attempts", job.attempts())
                .put("payload", job.payload());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", job.tenant() + "/" + job.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String text = response.body() == null ? "" : response.body();
            if (text.length() > ERROR_BODY_CHARS) {
                text = text.substring(0, ERROR_BODY_CHARS) + "...";
            }
            throw new IOException("HTTP " + status + " from " + url + ": " + text);
        }
    }
}
