package dev.wakeq.operator.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One shard of a pool's tenants (docs/worker.md) as the operator writes it into the shard's Secret: version 2,
 * where each distinct user and password appears once under {@code credentials} and tenants refer to it (most
 * tenants of a pool share a worker account; an entry shrinks from about 300 to about 180 bytes). The worker's
 * {@code TenantsFileParser} reads it; a test round-trips through that parser so the two cannot drift apart.
 */
public record TenantsFile(int version, List<Entry> tenants) {

    /**
     * One tenant. {@code password} is the worker's database password: this file only ever lives in a Secret.
     * {@code wakeSource} is {@code Binlog} once the relay alone announces the tenant's inserts (after the commit);
     * null (the worker's default, Trigger) otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String key, String name, String jdbcUrl, String user, String password, String queueTable,
                        String deadLetterTable, String wakeSource) {

        public Entry(String key, String name, String jdbcUrl, String user, String password, String queueTable,
                     String deadLetterTable) {
            this(key, name, jdbcUrl, user, password, queueTable, deadLetterTable, null);
        }

        public Entry withWakeSource(String source) {
            return new Entry(key, name, jdbcUrl, user, password, queueTable, deadLetterTable, source);
        }
        @Override
        public String toString() {
            return "Entry[name=" + name + "]";
        }
    }

    private record Login(String user, String password) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static TenantsFile empty() {
        return new TenantsFile(2, List.of());
    }

    /** Reads version 1 (one Secret per pool, before shards) or 2; throws without quoting the content. */
    public static TenantsFile parse(byte[] json) {
        if (json == null || json.length == 0) {
            return empty();
        }
        try {
            JsonNode root = JSON.readTree(json);
            JsonNode credentials = root.path("credentials");
            List<Entry> entries = new ArrayList<>();
            for (JsonNode t : root.path("tenants")) {
                JsonNode login = t.has("credentials") ? credentials.path(t.path("credentials").asText()) : t;
                entries.add(new Entry(t.path("key").asText(null), t.path("name").asText(null),
                        t.path("jdbcUrl").asText(null), login.path("user").asText(null),
                        login.path("password").asText(null), t.path("queueTable").asText(null),
                        t.path("deadLetterTable").asText(null), t.path("wakeSource").asText(null)));
            }
            return new TenantsFile(2, List.copyOf(entries));
        } catch (IOException e) {
            // Not chained: Jackson's message may quote the content, which holds passwords.
            throw new IllegalArgumentException("a tenants Secret of the pool is not valid JSON");
        }
    }

    /** Compact JSON, credentials numbered in order of first use over the name-sorted entries: stable bytes. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 2);
        ObjectNode credentials = root.putObject("credentials");
        ArrayNode list = root.putArray("tenants");
        Map<Login, String> ids = new LinkedHashMap<>();
        for (Entry e : tenants) {
            String id = ids.computeIfAbsent(new Login(e.user(), e.password()), l -> {
                String next = "c" + (ids.size() + 1);
                credentials.putObject(next).put("user", l.user()).put("password", l.password());
                return next;
            });
            ObjectNode t = list.addObject();
            t.put("key", e.key()).put("name", e.name()).put("jdbcUrl", e.jdbcUrl()).put("credentials", id);
            if (e.queueTable() != null) {
                t.put("queueTable", e.queueTable());
            }
            if (e.deadLetterTable() != null) {
                t.put("deadLetterTable", e.deadLetterTable());
            }
            // Absent for Trigger, so entries of trigger tenants keep their bytes.
            if (e.wakeSource() != null) {
                t.put("wakeSource", e.wakeSource());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Entry> find(String name) {
        return tenants.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** This file with {@code entry} added or replacing the entry of the same name; sorted for stable bytes. */
    public TenantsFile with(Entry entry) {
        List<Entry> next = new ArrayList<>(tenants.stream().filter(e -> !e.name().equals(entry.name())).toList());
        next.add(entry);
        next.sort(Comparator.comparing(Entry::name));
        return new TenantsFile(2, List.copyOf(next));
    }

    public TenantsFile without(String name) {
        return new TenantsFile(2, tenants.stream().filter(e -> !e.name().equals(name)).toList());
    }
}
