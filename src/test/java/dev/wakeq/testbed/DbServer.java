package dev.wakeq.testbed;

import dev.wakeq.embedded.LocalMysqld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real database server shared by every test class of a run, with the accounts the operator and the
 * workers use (see README, "Database privileges").
 */
public final class DbServer {

    public static final String OPERATOR_USER = "wakeq_operator";
    public static final String OPERATOR_PASSWORD = "operator-pw-7f3a";
    public static final String WORKER_USER = "wakeq_worker";
    public static final String WORKER_PASSWORD = "worker-pw-19c2";
    public static final String RELAY_USER = "wakeq_relay";
    public static final String RELAY_PASSWORD = "relay-pw-5d81";

    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private final String name;
    private final String label;
    private final LocalMysqld server;

    DbServer(String name, String label, LocalMysqld server) throws SQLException {
        this.name = name;
        this.label = label;
        this.server = server;
        createAccounts();
    }

    /** "mariadb-10.11", "mysql-8.0" or "mariadb-11.8": names its work dir and benchmark lines. */
    public String name() {
        return name;
    }

    /** Product and release, e.g. "MariaDB 11.8": what parameterised test names show ({@code toString}). */
    public String label() {
        return label;
    }

    public LocalMysqld.Flavor flavor() {
        return server.flavor();
    }

    public boolean isMariaDb() {
        return server.flavor() == LocalMysqld.Flavor.MARIADB;
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    /** The server process's id, for benchmarks that read its CPU time; unchanged across a test, no crash. */
    public long pid() {
        return server.pid();
    }

    /** The server's {@code @@plugin_dir}: private to this run, so tests may write loadable functions into it. */
    public Path pluginDir() {
        return server.pluginDir();
    }

    public String jdbcUrl(String schema) {
        return server.jdbcUrl(schema);
    }

    public Connection rootConnection() throws SQLException {
        return server.rootConnection();
    }

    /** Root, with {@code schema} as the default database. */
    public Connection rootConnection(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), "root", "");
    }

    public Connection operatorConnection(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), OPERATOR_USER, OPERATOR_PASSWORD);
    }

    public Connection workerConnection(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), WORKER_USER, WORKER_PASSWORD);
    }

    /** A fresh, empty schema with a name unique in this run. */
    public TestSchema newSchema(String prefix) throws SQLException {
        String schema = (prefix + "_" + SCHEMAS.incrementAndGet()).toLowerCase();
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + schema + "`");
        }
        return new TestSchema(this, schema);
    }

    /**
     * Puts a built loadable function library into the plugin directory the way the udf-image installer does:
     * a temp file in the same directory, then a rename (writing over a loaded library crashes the server).
     */
    public Path installLibrary(Path library) throws IOException {
        Path target = pluginDir().resolve(library.getFileName());
        Path tmp = Files.createTempFile(pluginDir(), ".install-", ".tmp");
        Files.copy(library, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    public boolean alive() {
        return server.isAlive();
    }

    /** The server's error log. */
    public Path logFile() {
        return server.logFile();
    }

    /** Stops the server cleanly and starts it again on the same port and data. */
    public void restart() throws IOException, SQLException {
        server.restart();
        createAccounts();
    }

    /** Kills the server process as a crash would, then starts it again. */
    public void crashAndRestart() throws IOException, InterruptedException, SQLException {
        server.kill();
        server.restart();
        createAccounts();
    }

    void stop() {
        server.close();
    }

    private void createAccounts() throws SQLException {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS '" + OPERATOR_USER + "'@'%' IDENTIFIED BY '" + OPERATOR_PASSWORD + "'");
            // What the operator needs to install function, trigger, event and (optionally) the queue table.
            // INSERT/DELETE on mysql.* is what CREATE/DROP FUNCTION require.
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, TRIGGER, EVENT, LOCK TABLES ON *.* TO '"
                    + OPERATOR_USER + "'@'%'");
            s.execute("CREATE USER IF NOT EXISTS '" + WORKER_USER + "'@'%' IDENTIFIED BY '" + WORKER_PASSWORD + "'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO '" + WORKER_USER + "'@'%'");
            // The binlog relay's account: a replication client and nothing else (MariaDB 10.11 takes REPLICATION
            // CLIENT as the old name of BINLOG MONITOR). MySQL 8 creates it with caching_sha2_password.
            s.execute("CREATE USER IF NOT EXISTS '" + RELAY_USER + "'@'%' IDENTIFIED BY '" + RELAY_PASSWORD + "'");
            s.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + RELAY_USER + "'@'%'");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
