package dev.wakeq.install;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Specs, libraries and small SQL helpers shared by the installer tests. */
public final class Fixtures {

    /** Where wake-ups go when a test does not listen: loopback, a port nobody binds. */
    static final int NOWHERE_PORT = 9;
    private static final Set<String> BUILT = new HashSet<>();
    private static final Map<String, String> JDBC_SETTINGS = Map.of("useSSL", "false",
            "allowPublicKeyRetrieval", "true");

    private Fixtures() {
    }

    /** A spec for the operator account on {@code schema}, function v1 (installed into the plugin dir). */
    static TenantSpec.Builder spec(TestSchema schema) throws IOException {
        return spec(schema, TestDatabases.udfVersion());
    }

    public static TenantSpec.Builder spec(TestSchema schema, String version) throws IOException {
        library(schema.server(), version);
        return TenantSpec.builder()
                .database(schema.server().host(), schema.server().port(), schema.name())
                .credentials(DbServer.OPERATOR_USER, DbServer.OPERATOR_PASSWORD)
                .wakeTarget("127.0.0.1", NOWHERE_PORT)
                .tenantKey("tenant-" + schema.name())
                .functionVersion(version)
                .createQueueTable(true);
    }

    /**
     * Builds (with the udf-image Makefile, once per JVM) and installs the library of {@code version}. Tests
     * that check what happens to a function when versions change use versions of their own, because a
     * function is server-wide and other test classes' triggers keep v1 in use.
     */
    public static synchronized void library(DbServer db, String version) throws IOException {
        Path lib = TestDatabases.udfLibrary(version);
        if (!BUILT.contains(version) && !Files.exists(lib)) {
            make("VERSION=" + version, "build/" + lib.getFileName());
        }
        BUILT.add(version);
        db.installLibrary(lib);
    }

    /**
     * Deletes the library of {@code version} from the server's plugin dir the way a release does, with udf-image's
     * {@code wakeq-install --prune-except}, keeping every other version there (other test classes use them) and
     * telling it what the server's mysql.func lists, so it refuses while the function is there. Returns the
     * installer's output.
     */
    public static synchronized String pruneLibrary(DbServer db, String version) throws IOException {
        Path installer = TestDatabases.udfLibrary(version).resolveSibling("wakeq-install");
        if (!BUILT.contains("wakeq-install") || !Files.isExecutable(installer)) {
            make("build/wakeq-install");
            BUILT.add("wakeq-install");
        }
        Pattern libraryName = Pattern.compile("libwakeq_notify_([a-z0-9_]{1,16})\\.so");
        List<String> keep = new ArrayList<>();
        try (Stream<Path> files = Files.list(db.pluginDir())) {
            files.map(f -> libraryName.matcher(f.getFileName().toString()))
                    .filter(m -> m.matches() && !m.group(1).equals(version))
                    .forEach(m -> keep.add(m.group(1)));
        }
        if (keep.isEmpty()) {
            throw new IllegalStateException("--prune-except needs a version to keep besides " + version);
        }
        List<String> listed = new ArrayList<>();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT dl FROM mysql.func")) {
            while (rs.next()) {
                listed.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read mysql.func: " + e.getMessage(), e);
        }
        return run(120, installer.toString(), "--prune-except", String.join(",", keep), "--listed",
                String.join("\n", listed), db.pluginDir().toString());
    }

    /**
     * Deletes a library by hand, as wakeq-install would refuse to while the server still lists its function: how
     * tests set up the accident of issue 18 (a restart with a referenced library missing).
     */
    public static void deleteLibraryByHand(DbServer db, String version) throws IOException {
        Files.delete(db.pluginDir().resolve("libwakeq_notify_" + version + ".so"));
    }

    private static void make(String... args) throws IOException {
        Path udf = TestDatabases.udfLibrary("v1").getParent().getParent();
        List<String> command = new ArrayList<>(List.of("make", "-s", "-C", udf.toString()));
        command.addAll(List.of(args));
        run(120, command.toArray(String[]::new));
    }

    /** Runs a command; its output, or an IOException with the output when it fails or takes too long. */
    private static String run(int seconds, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Records every statement the installer sends. */
    static final class Recorder implements StatementListener {
        final List<String> statements = new ArrayList<>();
        final List<List<Object>> params = new ArrayList<>();

        @Override
        public synchronized void onStatement(String sql, List<Object> bound) {
            statements.add(sql);
            params.add(bound);
        }

        synchronized void clear() {
            statements.clear();
            params.clear();
        }
    }

    static TenantInstaller installer(StatementListener listener) {
        return new TenantInstaller(ConnectionFactory.jdbc(JDBC_SETTINGS), listener);
    }

    static TenantInstaller installer() {
        return installer(StatementListener.NONE);
    }

    /** An installer whose trigger body runs {@code triggerPrelude} before calling the function. */
    static TenantInstaller installerWithTriggerPrelude(String triggerPrelude) {
        return new TenantInstaller(ConnectionFactory.jdbc(JDBC_SETTINGS), StatementListener.NONE, triggerPrelude);
    }

    public static void root(DbServer db, String... statements) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    public static long count(DbServer db, String sql) throws SQLException {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static boolean triggerExists(TestSchema schema, String name) throws SQLException {
        return count(schema.server(), "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='"
                + schema.name() + "' AND TRIGGER_NAME='" + name + "'") == 1;
    }

    static boolean eventExists(TestSchema schema, String name) throws SQLException {
        return count(schema.server(), "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='"
                + schema.name() + "' AND EVENT_NAME='" + name + "'") == 1;
    }

    static boolean functionExists(DbServer db, String version) throws SQLException {
        return count(db, "SELECT COUNT(*) FROM mysql.func WHERE name='wakeq_notify_" + version + "'") == 1;
    }
}
