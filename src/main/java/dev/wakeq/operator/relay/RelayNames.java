package dev.wakeq.operator.relay;

import dev.wakeq.operator.pool.PoolNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of one relay: its Deployment and its relay-file Secret. One relay per namespace, database server
 * and replication-account Secret: tenants that share all three share one replication connection. The name is a hash,
 * because a host name may be longer than a Deployment name may be and contain dots.
 */
public record RelayNames(String namespace, String host, int port, String credentialsSecret) {

    public static final String APP = "wakeq-relay";
    public static final String RELAY_FILE = "relay.json";

    public String name() {
        return APP + "-" + hash(host + ":" + port + "/" + credentialsSecret);
    }

    /** host:port, what conditions name. */
    public String server() {
        return host + ":" + port;
    }

    public Map<String, String> selectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", APP);
        labels.put("app.kubernetes.io/instance", name());
        return labels;
    }

    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels());
        labels.put("app.kubernetes.io/component", "relay");
        labels.put(PoolNames.MANAGED_BY, PoolNames.MANAGED_BY_VALUE);
        return labels;
    }

    /** The labels every relay's objects carry: how the operator finds them after a restart. */
    public static Map<String, String> anyRelay() {
        return Map.of("app.kubernetes.io/name", APP, PoolNames.MANAGED_BY, PoolNames.MANAGED_BY_VALUE);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
