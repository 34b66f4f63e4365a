package dev.wakeq.relay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wakeq.sql.SqlIdentifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a relay file (docs/relay.md):
 * <pre>
 * {"version":1,
 *  "server":{"host":"db","port":3306,"user":"wakeq_relay","password":"..."},
 *  "tenants":[{"key":"...","name":"ns/t","schema":"acme","queueTable":"_queue",
 *              "wakeHost":"pool-wake.ns.svc","wakePort":8686}]}
 * </pre>
 * The file holds a password, so messages name the place of a problem and never quote content.
 */
public final class RelayFileParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RelayFileParser() {
    }

    public static RelaySetup parse(byte[] content) throws InvalidRelayFileException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidRelayFileException("not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw new InvalidRelayFileException("unreadable (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRelayFileException("the top level must be a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != 1) {
            throw new InvalidRelayFileException("\"version\" must be 1");
        }
        JsonNode server = root.get("server");
        if (server == null || !server.isObject()) {
            throw new InvalidRelayFileException("\"server\" must be an object");
        }
        RelayServer db = new RelayServer(text(server, "host", "server"), port(server, "port", "server"),
                text(server, "user", "server"), text(server, "password", "server"));
        JsonNode tenants = root.get("tenants");
        if (tenants == null || !tenants.isArray()) {
            throw new InvalidRelayFileException("\"tenants\" must be an array");
        }
        List<RelayTenant> result = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            RelayTenant tenant = tenant(tenants.get(i), "tenants[" + i + "]");
            if (!keys.add(tenant.key())) {
                throw new InvalidRelayFileException("tenants[" + i + "].key: duplicate key");
            }
            result.add(tenant);
        }
        return new RelaySetup(db, result);
    }

    private static RelayTenant tenant(JsonNode node, String where) throws InvalidRelayFileException {
        if (!node.isObject()) {
            throw new InvalidRelayFileException(where + " must be an object");
        }
        String key = text(node, "key", where);
        try {
            return new RelayTenant(key, text(node, "name", where), identifier(node, "schema", where, null),
                    identifier(node, "queueTable", where, "_queue"), text(node, "wakeHost", where),
                    port(node, "wakePort", where));
        } catch (IllegalArgumentException e) {
            // RelayTenant's own messages name the rule, never the value.
            throw new InvalidRelayFileException(where + ": " + e.getMessage());
        }
    }

    private static String identifier(JsonNode node, String field, String where, String fallback)
            throws InvalidRelayFileException {
        String value = node.hasNonNull(field) ? text(node, field, where) : fallback;
        if (value == null) {
            throw new InvalidRelayFileException(where + "." + field + ": missing or not a string");
        }
        try {
            return SqlIdentifier.of(field, value).name();
        } catch (SqlIdentifier.InvalidIdentifierException e) {
            throw new InvalidRelayFileException(where + "." + field + ": " + e.getMessage());
        }
    }

    private static int port(JsonNode node, String field, String where) throws InvalidRelayFileException {
        JsonNode value = node.get(field);
        if (value == null || !value.isInt() || value.intValue() < 1 || value.intValue() > 65535) {
            throw new InvalidRelayFileException(where + "." + field + ": must be a number 1-65535");
        }
        return value.intValue();
    }

    private static String text(JsonNode node, String field, String where) throws InvalidRelayFileException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidRelayFileException(where + "." + field + ": missing or not a string");
        }
        // The password may legitimately be empty (loopback test servers); nothing else may.
        if (value.textValue().isEmpty() && !field.equals("password")) {
            throw new InvalidRelayFileException(where + "." + field + ": empty");
        }
        return value.textValue();
    }

    /** A relay file that cannot be used; the message is safe to log. */
    public static final class InvalidRelayFileException extends Exception {
        InvalidRelayFileException(String message) {
            super(message);
        }
    }
}
