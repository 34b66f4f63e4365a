package dev.wakeq.demo;

import dev.wakeq.embedded.LocalMysqld;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.queue.QueueRow;
import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.worker.TenantConfig;
import dev.wakeq.worker.WakeSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Tenant schemas on the embedded server, as the demo and the benchmark set them up: one database user per schema,
 * so MySQL's general log tells the queue SELECTs of each tenant and mode apart.
 */
public final class DemoTenants {

    public static final SqlIdentifier QUEUE = SqlIdentifier.of("queue table", "_queue");
    public static final SqlIdentifier DEAD = QueueSchema.defaultDeadLetterTable(QUEUE);
    /** Local, throw-away servers only. */
    public static final String PASSWORD = "demo-only-password";

    private final LocalMysqld mysql;

    public DemoTenants(LocalMysqld mysql) {
        this.mysql = mysql;
    }

    /** A schema and a user of the same name that may read and change its rows. */
    public void createSchemaAndUser(String schema) throws SQLException {
        try (Connection root = mysql.rootConnection(); Statement s = root.createStatement()) {
            s.execute("CREATE DATABASE `" + schema + "`");
            s.execute("CREATE USER '" + schema + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + schema + "`.* TO '" + schema + "'@'%'");
        }
    }

    /** A schema served by plain polling: its user and the queue tables, nothing of wakeq. */
    public void createPolled(String schema) throws SQLException {
        createSchemaAndUser(schema);
        try (Connection root = mysql.rootConnection(); Statement s = root.createStatement()) {
            s.execute("USE `" + schema + "`");
            s.execute(QueueSchema.createQueueTable(QUEUE));
            s.execute(QueueSchema.createDeadLetterTable(DEAD));
        }
    }

    /**
     * A schema served by wakeq: its user, then queue table, function, trigger and sweep event through the installer.
     * Returns the worker's entry for it.
     */
    public TenantConfig createWoken(String schema, String tenantName, String key, int workerPort, int sweepMinutes)
            throws SQLException {
        createSchemaAndUser(schema);
        InstallReport report = new TenantInstaller().install(TenantSpec.builder()
                .database(mysql.host(), mysql.port(), schema).credentials("root", "")
                .wakeTarget("127.0.0.1", workerPort).tenantKey(key).functionVersion("v1")
                .sweepMinutes(sweepMinutes).createQueueTable(true).build());
        if (report.hasProblems()) {
            throw new IllegalStateException("install failed for " + schema + ": " + report.problems());
        }
        return new TenantConfig(key, tenantName, mysql.jdbcUrl(schema), schema, PASSWORD, QUEUE, DEAD);
    }

    /**
     * A schema served by wakeq's binary-log source: its user and queue tables (the installer's Binlog path: no
     * function, trigger or event). Returns the worker's entry; the caller registers the tenant with a relay.
     */
    public TenantConfig createBinlog(String schema, String tenantName, String key, int workerPort) throws SQLException {
        createSchemaAndUser(schema);
        InstallReport report = new TenantInstaller().installBinlog(TenantSpec.builder()
                .database(mysql.host(), mysql.port(), schema).credentials("root", "")
                .wakeTarget("127.0.0.1", workerPort).tenantKey(key).functionVersion("v1")
                .createQueueTable(true).build(), true);
        if (report.hasProblems()) {
            throw new IllegalStateException("install failed for " + schema + ": " + report.problems());
        }
        return new TenantConfig(key, tenantName, mysql.jdbcUrl(schema), schema, PASSWORD, QUEUE, DEAD,
                WakeSource.BINLOG);
    }

    /** The plain poller for a schema made by {@link #createPolled}. */
    public IntervalPoller poller(String schema, Duration interval, Consumer<QueueRow> handler) throws SQLException {
        return new IntervalPoller(mysql.jdbcUrl(schema), schema, PASSWORD, QUEUE, DEAD, interval, handler);
    }
}
