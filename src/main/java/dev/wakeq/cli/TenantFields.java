package dev.wakeq.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names that describe one tenant, the same as a {@code --flag} and as a {@code name=value} in a tenants file
 * line, each with its default (null: required) and one sentence of help.
 */
final class TenantFields {

    record Field(String name, String fallback, String help) {
    }

    static final List<Field> ALL = List.of(
            new Field("db-host", null, "database host name or IP"),
            new Field("db-port", "3306", "database port"),
            new Field("schema", null, "the tenant's schema (must exist)"),
            new Field("user", null, "account that installs (docs/installer.md, Privileges)"),
            new Field("password-file", null, "file holding the account's password (one trailing newline dropped)"),
            new Field("password-env", "WAKEQ_PASSWORD", "environment variable holding the password, if no file"),
            new Field("ssl-mode", "PREFERRED", "Connector/J sslMode: DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
                    + "VERIFY_IDENTITY"),
            new Field("queue-table", "_queue", "the queue table the trigger watches"),
            new Field("dead-letter-table", null, "dead-letter table (default <queue-table>_dead)"),
            new Field("create-queue-table", "false", "create the queue tables when missing (true or false)"),
            new Field("wake-host", null, "IP literal of the worker the function wakes (not a host name)"),
            new Field("wake-port", "8686", "the worker's wake port"),
            new Field("tenant-key", null, "the key sent in wake-ups, the worker tenants file's \"key\""),
            new Field("function-version", "v1", "loadable function version (libwakeq_notify_<version>.so)"),
            new Field("sweep-minutes", "5", "interval of the safety-net event, 1-1440"));

    static final Map<String, Field> BY_NAME;

    static {
        Map<String, Field> byName = new TreeMap<>();
        ALL.forEach(f -> byName.put(f.name(), f));
        BY_NAME = Map.copyOf(byName);
    }

    private TenantFields() {
    }

    /** The flag a {@code TenantSpec} field name stands for: dbHost is db-host. */
    static String flagOf(String specField) {
        if (specField.equals("password")) {
            return "password-file";
        }
        return specField.replaceAll("([A-Z])", "-$1").toLowerCase();
    }
}
