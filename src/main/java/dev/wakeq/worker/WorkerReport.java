package dev.wakeq.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What a worker tells the operator at {@code GET /report}: its load, for autoscaling, and when it last saw a
 * wake-up for each tenant, for {@code QueueTenant.status.lastWakeSeen}. Tenant names only: never a key, URL or
 * password. Unknown fields are ignored, so an operator and workers of neighbouring versions understand each other.
 *
 * @param workerId       the pod name
 * @param ready          whether the worker takes wake-ups (false while draining)
 * @param handlerThreads jobs the worker can run at once
 * @param busyHandlers   jobs running now
 * @param busySeconds    handler time spent on jobs since start (a counter: rates come from two reports)
 * @param activePollers  tenants being polled now
 * @param lastWakes      tenant name ({@code namespace/name}) to the epoch millisecond of its last wake-up here
 * @param pendingWakes   receiver only: wake-ups waiting for a worker to hand them to (one per tenant)
 * @param shards         tenants shard Secret name to the resourceVersion this worker has applied (empty when it
 *                       reads a tenants file): the operator sets a tenant Ready only once its shard is applied
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerReport(String workerId, boolean ready, int handlerThreads, int busyHandlers, double busySeconds,
                           int activePollers, Map<String, Long> lastWakes, int pendingWakes,
                           Map<String, String> shards) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public WorkerReport {
        lastWakes = lastWakes == null ? Map.of() : Map.copyOf(lastWakes);
        shards = shards == null ? Map.of() : Map.copyOf(shards);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a report; an answer that is not one throws {@link IOException}. */
    public static WorkerReport parse(byte[] json) throws IOException {
        WorkerReport report = JSON.readValue(json, WorkerReport.class);
        if (report == null) {
            throw new IOException("empty report");
        }
        return report;
    }
}
