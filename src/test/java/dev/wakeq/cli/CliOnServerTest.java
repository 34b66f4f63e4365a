package dev.wakeq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.install.Fixtures;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code wakeq install | status | uninstall} against the real servers, in process and once as a real process through
 * bin/wakeq: a tenants file of two tenants, drift seen by status without changing anything, {@code install --check}
 * listing every missing privilege at once, exit codes, and no password in any output.
 */
class CliOnServerTest {

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final String LEAST_PASSWORD = "cli-least-pw-81c3";

    @TempDir
    Path dir;

    private record Result(int code, String out) {
    }

    private static Result cli(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code = CliMain.run(args, print, print, Map.of("WAKEQ_PASSWORD", DbServer.OPERATOR_PASSWORD));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain(DbServer.OPERATOR_PASSWORD).doesNotContain(LEAST_PASSWORD);
        System.out.println("wakeq " + String.join(" ", args) + " -> exit " + code + "\n" + out);
        return new Result(code, out);
    }

    private static String base(DbServer db) throws IOException {
        Fixtures.library(db, TestDatabases.udfVersion());
        return "db-host=" + db.host() + " db-port=" + db.port() + " user=" + DbServer.OPERATOR_USER
                + " wake-host=127.0.0.1 wake-port=9 create-queue-table=true function-version="
                + TestDatabases.udfVersion();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void aTenantsFileInstallsIsInSyncShowsDriftAndUninstalls(DbServer db) throws Exception {
        TestSchema a = db.newSchema("clia");
        TestSchema b = db.newSchema("clib");
        Path file = dir.resolve("install.conf");
        Files.writeString(file, "# two tenants\n" + base(db) + " schema=" + a.name() + " tenant-key=a-key\n"
                + base(db) + " schema=" + b.name() + " tenant-key=b-key\n");
        String tenants = "--tenants-file=" + file;

        Result installed = cli("install", tenants);
        assertThat(installed.code()).as(installed.out()).isZero();
        assertThat(installed.out()).contains(file + " line 2: ", file + " line 3: ", ": installed",
                "trigger wakeq_wake___queue: absent, created", "function version " + TestDatabases.udfVersion());
        assertThat(trigger(a)).isTrue();
        assertThat(trigger(b)).isTrue();

        Result status = cli("status", tenants);
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains(": in sync", "trigger wakeq_wake___queue: as specified",
                "event wakeq_sweep___queue: as specified", "sweep every 5 min");

        Result drift = cli("status", "--sweep-minutes=7", tenants);
        assertThat(drift.code()).as(drift.out()).isEqualTo(6);
        assertThat(drift.out()).contains("drift (install would change it)", "sweep every 7 min",
                "event wakeq_sweep___queue: differs, not changed");
        assertThat(cli("status", tenants).code()).as("status changed nothing").isZero();

        Result removed = cli("uninstall", tenants);
        assertThat(removed.code()).as(removed.out()).isZero();
        assertThat(removed.out()).contains("trigger wakeq_wake___queue: differs, dropped");
        assertThat(trigger(a)).isFalse();
        assertThat(trigger(b)).isFalse();
        assertThat(cli("status", tenants).code()).as("absent objects are drift").isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void installCheckListsEveryMissingPrivilegeAtOnceAndChangesNothing(DbServer db) throws Exception {
        int run = RUNS.incrementAndGet();
        String user = "wq_cli_" + run;
        String account = "'" + user + "'@'%'";
        TestSchema schema = db.newSchema("clichk");
        List<String> grants = new ArrayList<>(List.of("CREATE USER " + account + " IDENTIFIED BY '" + LEAST_PASSWORD
                + "'", "GRANT TRIGGER, SELECT, INSERT, CREATE, INDEX ON `" + schema.name() + "`.* TO " + account,
                "GRANT INSERT ON mysql.* TO " + account, "GRANT SELECT ON mysql.func TO " + account));
        if (!db.isMariaDb()) {
            grants.add("GRANT SELECT ON performance_schema.error_log TO " + account);
            grants.add("GRANT SELECT ON performance_schema.global_status TO " + account);
        }
        Fixtures.root(db, grants.toArray(String[]::new));
        Path password = dir.resolve("password");
        Files.writeString(password, LEAST_PASSWORD + "\n");
        String[] flags = {"install", "--check", "--db-host=" + db.host(), "--db-port=" + db.port(),
            "--schema=" + schema.name(), "--user=" + user, "--password-file=" + password, "--wake-host=127.0.0.1",
            "--wake-port=9", "--tenant-key=chk", "--create-queue-table",
            "--function-version=" + TestDatabases.udfVersion()};
        base(db);

        Result missing = cli(flags);
        assertThat(missing.code()).as(missing.out()).isEqualTo(4);
        assertThat(missing.out()).contains("MissingPrivilege: user '" + user + "' lacks EVENT ON `" + schema.name()
                + "`.*", "lacks LOCK TABLES ON `" + schema.name() + "`.*", "lacks DELETE ON mysql.*",
                "GRANT DELETE ON mysql.* TO '" + user + "'@'%'");
        assertThat(missing.out().lines().filter(l -> l.contains("MissingPrivilege"))).hasSize(3);
        assertThat(trigger(schema)).as("--check changes nothing").isFalse();

        Fixtures.root(db, "GRANT EVENT, LOCK TABLES ON `" + schema.name() + "`.* TO " + account,
                "GRANT DELETE ON mysql.* TO " + account);
        Result complete = cli(flags);
        assertThat(complete.code()).as(complete.out()).isZero();
        assertThat(complete.out()).contains(": nothing missing", "trigger wakeq_wake___queue: absent, not changed");
        assertThat(trigger(schema)).isFalse();

        String[] install = java.util.Arrays.stream(flags).filter(f -> !f.equals("--check")).toArray(String[]::new);
        Result installed = cli(install);
        assertThat(installed.code()).as(installed.out()).isZero();
        assertThat(trigger(schema)).isTrue();
        Fixtures.root(db, "DROP USER " + account);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void binWakeqInstallsAndReportsAsARealProcess(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("clibin");
        Path file = dir.resolve("install.conf");
        Files.writeString(file, base(db) + " schema=" + schema.name() + " tenant-key=bin-key\n");
        Result installed = binWakeq("install", "--tenants-file=" + file);
        assertThat(installed.code()).as(installed.out()).isZero();
        assertThat(trigger(schema)).isTrue();
        Result status = binWakeq("status", "--tenants-file=" + file);
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains(": in sync");
        Result bad = binWakeq("status", "--tenants-file=" + file, "--bogus-option=1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out()).contains("--bogus-option: unknown flag");
    }

    private static Result binWakeq(String... args) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("wakeq.project.dir", "."), "bin", "wakeq");
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("WAKEQ_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        pb.environment().put("WAKEQ_PASSWORD", DbServer.OPERATOR_PASSWORD);
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(out).doesNotContain(DbServer.OPERATOR_PASSWORD);
        return new Result(p.exitValue(), out);
    }

    private static boolean trigger(TestSchema schema) throws SQLException {
        try (Connection c = schema.server().rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='"
                     + schema.name() + "' AND TRIGGER_NAME='wakeq_wake___queue'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

}
