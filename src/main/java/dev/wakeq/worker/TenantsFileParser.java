package dev.wakeq.worker;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.wire.WakeMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the tenants file ({@code {"version":1,"tenants":[...]}}, see docs/worker.md), or one shard of a pool's
 * tenants as the operator writes it ({@code {"version":2,"credentials":{"c1":{"user":..,"password":..}},
 * "tenants":[{..,"credentials":"c1"}]}}: each distinct user and password once, not once per tenant).
 * The file holds passwords, so error messages name the place of a problem (tenant index, field, line and column) and never quote content:
 * Jackson's own messages can contain the offending token, which may be a password.
 */
public final class TenantsFileParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TenantsFileParser() {
    }

    public static List<TenantConfig> parse(byte[] content) throws InvalidTenantsFileException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidTenantsFileException("not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (java.io.IOException e) {
            throw new InvalidTenantsFileException("unreadable (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTenantsFileException("the top level must be a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || (version.intValue() != 1 && version.intValue() != 2)) {
            throw new InvalidTenantsFileException("\"version\" must be 1 or 2");
        }
        JsonNode credentials = null;
        if (version.intValue() == 2) {
            credentials = root.get("credentials");
            if (credentials == null || !credentials.isObject()) {
                throw new InvalidTenantsFileException("\"credentials\" must be an object");
            }
        }
        JsonNode tenants = root.get("tenants");
        if (tenants == null || !tenants.isArray()) {
            throw new InvalidTenantsFileException("\"tenants\" must be an array");
        }
        List<TenantConfig> result = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            TenantConfig tenant = tenant(tenants.get(i), "tenants[" + i + "]", credentials);
            if (!keys.add(tenant.key())) {
                throw new InvalidTenantsFileException("tenants[" + i + "].key: duplicate key");
            }
            result.add(tenant);
        }
        return List.copyOf(result);
    }

    private static TenantConfig tenant(JsonNode node, String where, JsonNode credentials)
            throws InvalidTenantsFileException {
        if (!node.isObject()) {
            throw new InvalidTenantsFileException(where + " must be an object");
        }
        String key = text(node, "key", where);
        if (!WakeMessage.TENANT_KEY.matcher(key).matches()) {
            throw new InvalidTenantsFileException(where + ".key: must be 1-64 characters of [A-Za-z0-9_.-]");
        }
        String url = text(node, "jdbcUrl", where);
        if (!url.startsWith("jdbc:mysql://")) {
            throw new InvalidTenantsFileException(where + ".jdbcUrl: must start with jdbc:mysql://");
        }
        SqlIdentifier queue = identifier(node, "queueTable", where, "_queue");
        SqlIdentifier dead = node.hasNonNull("deadLetterTable")
                ? identifier(node, "deadLetterTable", where, null)
                : QueueSchema.defaultDeadLetterTable(queue);
        WakeSource source = WakeSource.TRIGGER;
        if (node.hasNonNull("wakeSource")) {
            source = WakeSource.parse(text(node, "wakeSource", where));
            if (source == null) {
                throw new InvalidTenantsFileException(where + ".wakeSource: must be Trigger or Binlog");
            }
        }
        JsonNode login = node;
        String loginWhere = where;
        if (credentials != null) {
            String ref = text(node, "credentials", where);
            login = credentials.get(ref);
            // The reference is an id the operator made up ("c1"), never a secret: safe to leave out anyway.
            if (login == null || !login.isObject()) {
                throw new InvalidTenantsFileException(where + ".credentials: no such entry in \"credentials\"");
            }
            loginWhere = "credentials of " + where;
        }
        return new TenantConfig(key, text(node, "name", where), url, text(login, "user", loginWhere),
                text(login, "password", loginWhere), queue, dead, source);
    }

    private static SqlIdentifier identifier(JsonNode node, String field, String where, String fallback)
            throws InvalidTenantsFileException {
        String value = node.hasNonNull(field) ? text(node, field, where) : fallback;
        try {
            return SqlIdentifier.of(field, value);
        } catch (SqlIdentifier.InvalidIdentifierException e) {
            throw new InvalidTenantsFileException(where + "." + field + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, String where) throws InvalidTenantsFileException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidTenantsFileException(where + "." + field + ": missing or not a string");
        }
        // The password may legitimately be empty (loopback test servers); nothing else may.
        if (value.textValue().isEmpty() && !field.equals("password")) {
            throw new InvalidTenantsFileException(where + "." + field + ": empty");
        }
        return value.textValue();
    }

    /** A tenants file that cannot be used; the message is safe to log. */
    public static final class InvalidTenantsFileException extends Exception {
        InvalidTenantsFileException(String message) {
            super(message);
        }
    }
}
