package dev.wakeq.worker;

import dev.wakeq.sql.SqlIdentifier;
import java.util.Objects;

/**
 * One tenant as the operator describes it in the tenants file. Two configs are equal only if every field,
 * password included, is equal: that is how a reload notices changed credentials.
 *
 * @param key             the wake-up key (wire format), random and unguessable
 * @param name            {@code namespace/tenant}, for logs and {@link Job#tenant()}
 * @param jdbcUrl         a {@code jdbc:mysql://} URL of the tenant's schema
 * @param user            the worker account (needs SELECT, INSERT, UPDATE, DELETE on the two tables)
 * @param password        never logged; {@link #toString()} leaves it out
 * @param queueTable      the queue table
 * @param deadLetterTable the dead-letter table
 * @param wakeSource      who sends its insert wake-ups (before or after the commit)
 */
public record TenantConfig(String key, String name, String jdbcUrl, String user, String password,
                           SqlIdentifier queueTable, SqlIdentifier deadLetterTable, WakeSource wakeSource) {

    /** A tenant woken by its trigger, the default source. */
    public TenantConfig(String key, String name, String jdbcUrl, String user, String password,
                        SqlIdentifier queueTable, SqlIdentifier deadLetterTable) {
        this(key, name, jdbcUrl, user, password, queueTable, deadLetterTable, WakeSource.TRIGGER);
    }

    public TenantConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(queueTable, "queueTable");
        Objects.requireNonNull(deadLetterTable, "deadLetterTable");
        Objects.requireNonNull(wakeSource, "wakeSource");
    }

    /** The URL may carry credentials as parameters too, so only the name and tables are shown. */
    @Override
    public String toString() {
        return "TenantConfig[name=" + name + ", queueTable=" + queueTable + ", deadLetterTable=" + deadLetterTable
                + ", wakeSource=" + wakeSource + "]";
    }
}
