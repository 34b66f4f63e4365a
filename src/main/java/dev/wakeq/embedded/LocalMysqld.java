package dev.wakeq.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mysqld or mariadbd process this JVM started, with its own data directory, port and plugin directory.
 * Used by the demo and the test bed; production never starts a database.
 */
public final class LocalMysqld implements AutoCloseable {

    public enum Flavor { MARIADB, MYSQL }

    /**
     * What to start. {@code baseDir} is the MySQL distribution root (null for MariaDB from Debian);
     * {@code workDir} holds data, socket, log and the init file.
     */
    public record Spec(Flavor flavor, Path serverBinary, Path baseDir, Path workDir, Path pluginDir,
                       List<String> extraArgs) {
        public Spec {
            extraArgs = List.copyOf(extraArgs);
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Spec spec;
    private final int port;
    /**
     * The unix socket lives apart from the work dir: a socket path longer than 107 bytes is refused (MariaDB will not
     * start), and a checkout at a long path puts the work dir past that.
     */
    private final Path socketDir;
    private Process process;

    private LocalMysqld(Spec spec, int port, Path socketDir) {
        this.spec = spec;
        this.port = port;
        this.socketDir = socketDir;
    }

    /** Initializes the data directory if it is empty, starts the server and waits until it accepts SQL. */
    public static LocalMysqld start(Spec spec) throws IOException {
        Files.createDirectories(spec.workDir());
        Files.createDirectories(spec.pluginDir());
        LocalMysqld server = new LocalMysqld(spec, freePort(),
                Files.createTempDirectory(Path.of("/tmp"), "wakeq-sock-"));
        if (!Files.isDirectory(server.dataDir().resolve("mysql"))) {
            server.initialize();
        }
        server.launch();
        return server;
    }

    public Flavor flavor() {
        return spec.flavor();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public Path pluginDir() {
        return spec.pluginDir();
    }

    /** The server's process id: benchmarks read its CPU time from /proc; a crash and restart changes it. */
    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return spec.workDir().resolve("server.log");
    }

    public String jdbcUrl(String schema) {
        return "jdbc:mysql://" + host() + ":" + port + "/" + (schema == null ? "" : schema)
                + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=60000";
    }

    /** False once the server process has ended (stopped, or crashed). */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A connection as the server's root account (no password; loopback only). */
    public Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(null), "root", "");
    }

    /** Stops the server cleanly and starts it again on the same port and data directory. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the server without a clean shutdown, as a crash would. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(socketDir.resolve("mysqld.sock"));
            Files.deleteIfExists(socketDir.resolve("mysqld.sock.lock"));
            Files.deleteIfExists(socketDir);
        } catch (IOException e) {
            // A leftover empty directory in /tmp; the server is stopped either way.
        }
    }

    private Path dataDir() {
        return spec.workDir().resolve("data");
    }

    /**
     * The server's temporary tables (TMPDIR is its default --tmpdir, the bootstrap's too) apart from the shared /tmp:
     * there, with many servers on one machine, a bootstrap's temporary table file twice vanished before its DROP
     * (error 1051, no data directory).
     */
    private Path privateTmpDir() throws IOException {
        return Files.createDirectories(spec.workDir().resolve("tmp"));
    }

    private void initialize() throws IOException {
        Files.createDirectories(dataDir());
        List<String> cmd = new ArrayList<>();
        if (spec.flavor() == Flavor.MARIADB) {
            Path installDb = spec.serverBinary().getParent().getParent().resolve("bin/mariadb-install-db");
            cmd.addAll(List.of(Files.isExecutable(installDb) ? installDb.toString() : "mariadb-install-db",
                    "--no-defaults", "--user=root", "--datadir=" + dataDir(),
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
        } else {
            cmd.addAll(List.of(spec.serverBinary().toString(), "--no-defaults", "--initialize-insecure",
                    "--user=root", "--basedir=" + spec.baseDir(), "--datadir=" + dataDir()));
        }
        run(cmd, spec.workDir().resolve("initialize.log"), privateTmpDir(), Duration.ofSeconds(120));
    }

    private void launch() throws IOException {
        Path initFile = spec.workDir().resolve("init.sql");
        // The init file runs at every start: it lets root in over TCP from 127.0.0.1 without name resolution.
        Files.writeString(initFile, """
                CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
                GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
                """);
        List<String> cmd = new ArrayList<>(List.of(spec.serverBinary().toString(), "--no-defaults", "--user=root",
                "--datadir=" + dataDir(), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + socketDir.resolve("mysqld.sock"), "--pid-file=" + spec.workDir().resolve("mysqld.pid"),
                "--plugin-dir=" + spec.pluginDir(), "--init-file=" + initFile, "--event-scheduler=ON",
                "--skip-name-resolve", "--max-connections=2000", "--innodb-buffer-pool-size=128M",
                "--log-error=" + logFile()));
        if (spec.flavor() == Flavor.MYSQL) {
            cmd.addAll(List.of("--basedir=" + spec.baseDir(), "--mysqlx=OFF",
                    "--lc-messages-dir=" + spec.baseDir().resolve("share")));
        }
        cmd.addAll(spec.extraArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.workDir().resolve("stdout.log").toFile()));
        pb.environment().put("TMPDIR", privateTmpDir().toString());
        process = pb.start();
        awaitReady();
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(spec.flavor() + " exited with " + process.exitValue() + " during start-up:\n"
                        + tail(logFile()) + tail(spec.workDir().resolve("stdout.log")));
            }
            if (portOpen()) {
                try (Connection c = rootConnection()) {
                    return;
                } catch (SQLException e) {
                    last = e;
                }
            }
            sleepBriefly();
        }
        stop();
        throw new IOException(spec.flavor() + " did not accept connections within " + START_TIMEOUT.toSeconds()
                + " s (last error: " + (last == null ? "port closed" : last.getMessage()) + "):\n" + tail(logFile()));
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> cmd, Path log, Path tmpDir, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("TMPDIR", tmpDir.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out:\n" + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed with " + p.exitValue() + ":\n" + tail(log));
        }
    }

    static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return "--- " + log + " (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
