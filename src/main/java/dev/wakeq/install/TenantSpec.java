package dev.wakeq.install;

import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import java.util.regex.Pattern;

/**
 * Everything the installer needs for one tenant database. Every field is validated when the spec is built
 * ({@link InvalidSpecException} names the field), so the installer never sends a statement built from bad
 * input. The password never appears in {@link #toString()}.
 *
 * @param dbHost           database host name or IP (goes into the JDBC URL only)
 * @param dbPort           database port, 1-65535
 * @param schema           the tenant's schema
 * @param user             database account the installer logs in as
 * @param password         its password
 * @param queueTable       the queue table the trigger watches
 * @param deadLetterTable  the dead-letter table (created only with {@code createQueueTable})
 * @param wakeHost         canonical IP literal the function sends wake-ups to
 * @param wakePort         wake-up port, 1-65535
 * @param tenantKey        key sent in every wake-up, {@code [A-Za-z0-9_.-]{1,64}}
 * @param functionVersion  function version, {@code [a-z0-9_]{1,16}}, e.g. {@code v1}
 * @param sweepMinutes     interval of the safety-net event, 1-1440 minutes
 * @param createQueueTable create queue and dead-letter tables when they are missing
 */
public record TenantSpec(String dbHost, int dbPort, SqlIdentifier schema, String user, String password,
                         SqlIdentifier queueTable, SqlIdentifier deadLetterTable, String wakeHost, int wakePort,
                         String tenantKey, String functionVersion, int sweepMinutes, boolean createQueueTable) {

    public static final String DEFAULT_QUEUE_TABLE = "_queue";
    public static final int DEFAULT_SWEEP_MINUTES = 5;

    // What may follow "jdbc:mysql://": a host name, an IPv4 literal or a bracketed IPv6 literal. Nothing that
    // could end the authority and add URL properties ('/', '?', '&', ',').
    private static final Pattern DB_HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern TENANT_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern VERSION = Pattern.compile("[a-z0-9_]{1,16}");

    public TenantSpec {
        if (dbHost == null || !DB_HOST.matcher(dbHost).matches()) {
            throw new InvalidSpecException("dbHost", "must be a host name or IP address (IPv6 in brackets)");
        }
        checkPort("dbPort", dbPort);
        require("schema", schema);
        if (user == null || user.isEmpty() || user.length() > 80) {
            throw new InvalidSpecException("user", "must be 1-80 characters");
        }
        if (password == null) {
            throw new InvalidSpecException("password", "missing (use an empty string for none)");
        }
        require("queueTable", queueTable);
        require("deadLetterTable", deadLetterTable);
        if (deadLetterTable.equals(queueTable)) {
            throw new InvalidSpecException("deadLetterTable", "must differ from the queue table");
        }
        wakeHost = IpLiteral.canonical("wakeHost", wakeHost);
        checkPort("wakePort", wakePort);
        if (tenantKey == null || !TENANT_KEY.matcher(tenantKey).matches()) {
            throw new InvalidSpecException("tenantKey", "must be 1-64 characters of A-Z a-z 0-9 _ . -");
        }
        if (functionVersion == null || !VERSION.matcher(functionVersion).matches()) {
            throw new InvalidSpecException("functionVersion", "must be 1-16 characters of a-z 0-9 _ (e.g. v1)");
        }
        if (sweepMinutes < 1 || sweepMinutes > 1440) {
            throw new InvalidSpecException("sweepMinutes", "must be 1-1440, was " + sweepMinutes);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy with another wake target: what a moved worker Service means for the database. */
    public TenantSpec withWakeTarget(String host, int port) {
        return new TenantSpec(dbHost, dbPort, schema, user, password, queueTable, deadLetterTable, host, port,
                tenantKey, functionVersion, sweepMinutes, createQueueTable);
    }

    public TenantSpec withFunctionVersion(String version) {
        return new TenantSpec(dbHost, dbPort, schema, user, password, queueTable, deadLetterTable, wakeHost,
                wakePort, tenantKey, version, sweepMinutes, createQueueTable);
    }

    public TenantSpec withSweepMinutes(int minutes) {
        return new TenantSpec(dbHost, dbPort, schema, user, password, queueTable, deadLetterTable, wakeHost,
                wakePort, tenantKey, functionVersion, minutes, createQueueTable);
    }

    /** The same server and account in another schema: how the installer asks about a schema it cannot enter. */
    TenantSpec inSchema(SqlIdentifier other) {
        return new TenantSpec(dbHost, dbPort, other, user, password, queueTable, deadLetterTable, wakeHost, wakePort,
                tenantKey, functionVersion, sweepMinutes, createQueueTable);
    }

    public TenantSpec withCredentials(String newUser, String newPassword) {
        return new TenantSpec(dbHost, dbPort, schema, newUser, newPassword, queueTable, deadLetterTable, wakeHost,
                wakePort, tenantKey, functionVersion, sweepMinutes, createQueueTable);
    }

    @Override
    public String toString() {
        return "TenantSpec[db=" + dbHost + ":" + dbPort + "/" + schema + ", user=" + user + ", password=***"
                + ", queueTable=" + queueTable + ", deadLetterTable=" + deadLetterTable + ", wake=" + wakeHost
                + " port " + wakePort + ", tenantKey=" + tenantKey + ", functionVersion=" + functionVersion
                + ", sweepMinutes=" + sweepMinutes + ", createQueueTable=" + createQueueTable + "]";
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidSpecException(field, "must be 1-65535, was " + port);
        }
    }

    private static void require(String field, Object value) {
        if (value == null) {
            throw new InvalidSpecException(field, "missing");
        }
    }

    /** Builds a spec from plain strings; identifiers are validated here with the field named in the error. */
    public static final class Builder {
        private String dbHost;
        private int dbPort = 3306;
        private String schema;
        private String user;
        private String password;
        private String queueTable = DEFAULT_QUEUE_TABLE;
        private String deadLetterTable;
        private String wakeHost;
        private int wakePort;
        private String tenantKey;
        private String functionVersion;
        private int sweepMinutes = DEFAULT_SWEEP_MINUTES;
        private boolean createQueueTable;

        private Builder() {
        }

        public Builder database(String host, int port, String schemaName) {
            this.dbHost = host;
            this.dbPort = port;
            this.schema = schemaName;
            return this;
        }

        public Builder credentials(String userName, String secret) {
            this.user = userName;
            this.password = secret;
            return this;
        }

        public Builder queueTable(String name) {
            this.queueTable = name;
            return this;
        }

        /** Defaults to {@code <queueTable>_dead}. */
        public Builder deadLetterTable(String name) {
            this.deadLetterTable = name;
            return this;
        }

        public Builder wakeTarget(String ipLiteral, int port) {
            this.wakeHost = ipLiteral;
            this.wakePort = port;
            return this;
        }

        public Builder tenantKey(String key) {
            this.tenantKey = key;
            return this;
        }

        public Builder functionVersion(String version) {
            this.functionVersion = version;
            return this;
        }

        public Builder sweepMinutes(int minutes) {
            this.sweepMinutes = minutes;
            return this;
        }

        public Builder createQueueTable(boolean create) {
            this.createQueueTable = create;
            return this;
        }

        public TenantSpec build() {
            SqlIdentifier schemaId = identifier("schema", schema);
            SqlIdentifier queue = identifier("queueTable", queueTable);
            SqlIdentifier dead = deadLetterTable == null
                    ? QueueSchema.defaultDeadLetterTable(queue)
                    : identifier("deadLetterTable", deadLetterTable);
            return new TenantSpec(dbHost, dbPort, schemaId, user, password, queue, dead, wakeHost, wakePort,
                    tenantKey, functionVersion, sweepMinutes, createQueueTable);
        }

        private static SqlIdentifier identifier(String field, String value) {
            try {
                return SqlIdentifier.of(field, value);
            } catch (SqlIdentifier.InvalidIdentifierException e) {
                // The field is named once: InvalidSpecException puts it in front.
                throw new InvalidSpecException(field, e.problem());
            }
        }
    }
}
