package dev.wakeq.operator.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The worker's tenants file (docs/worker.md) as the operator writes it into the pool's Secret. The worker's
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

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    public static TenantsFile empty() {
        return new TenantsFile(1, List.of());
    }

    public static TenantsFile parse(byte[] json) {
        if (json == null || json.length == 0) {
            return empty();
        }
        try {
            TenantsFile file = JSON.readValue(json, TenantsFile.class);
            return new TenantsFile(1, file.tenants() == null ? List.of() : List.copyOf(file.tenants()));
        } catch (IOException e) {
            throw new UncheckedIOException("the tenants file in the pool Secret is not valid JSON", e);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
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
        return new TenantsFile(1, List.copyOf(next));
    }

    public TenantsFile without(String name) {
        return new TenantsFile(1, tenants.stream().filter(e -> !e.name().equals(name)).toList());
    }
}
