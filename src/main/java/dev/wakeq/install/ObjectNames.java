package dev.wakeq.install;

import dev.wakeq.sql.SqlIdentifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic names of what the installer creates. Trigger and event names carry the queue table's name, so
 * two queue tables in one schema get their own objects; the same spec always yields the same names, which is
 * what lets {@code inspect} and {@code uninstall} find them again.
 */
public final class ObjectNames {

    public static final String TRIGGER_PREFIX = "wakeq_wake__";
    public static final String EVENT_PREFIX = "wakeq_sweep__";
    public static final String FUNCTION_PREFIX = "wakeq_notify_";
    private static final int MAX = 64;
    private static final int HASH_CHARS = 8;

    private ObjectNames() {
    }

    public static SqlIdentifier trigger(SqlIdentifier queueTable) {
        return SqlIdentifier.of("trigger name", fit(TRIGGER_PREFIX, queueTable.name()));
    }

    public static SqlIdentifier event(SqlIdentifier queueTable) {
        return SqlIdentifier.of("event name", fit(EVENT_PREFIX, queueTable.name()));
    }

    public static SqlIdentifier function(String version) {
        return SqlIdentifier.of("function name", FUNCTION_PREFIX + version);
    }

    /** The file the function is loaded from; it must be in the server's {@code @@plugin_dir}. */
    public static String library(String version) {
        return "lib" + FUNCTION_PREFIX + version + ".so";
    }

    /**
     * {@code prefix + table}, or a form ending in {@code _} and 8 hex characters of the table name's SHA-256 when
     * that is too long or the table name has capitals. Table names are case-sensitive on Linux but event names
     * are not, so {@code Jobs} and {@code jobs} must not both map to {@code wakeq_sweep__jobs}.
     */
    static String fit(String prefix, String table) {
        String full = prefix + table;
        boolean caseMatters = !table.equals(table.toLowerCase(java.util.Locale.ROOT));
        if (full.length() <= MAX && !caseMatters) {
            return full;
        }
        String hash = sha256Hex(table).substring(0, HASH_CHARS);
        String head = full.length() > MAX - HASH_CHARS - 1 ? full.substring(0, MAX - HASH_CHARS - 1) : full;
        return head + "_" + hash;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
