package dev.wakeq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code wakeq install | uninstall | status}: every error names the flag or the file line, exits 2 and
 * sends nothing to any database (the database port here is one nobody listens on: a connection attempt would be a
 * different exit code), and no password is ever printed.
 */
class CliInputTest {

    private static final String SECRET = "s3cret-pw-for-cli";
    private static final String[] GOOD = {"--db-host=127.0.0.1", "--db-port=9", "--schema=shop", "--user=op",
        "--wake-host=127.0.0.1", "--tenant-key=shop"};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CliMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("WAKEQ_PASSWORD", SECRET));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String[] good(String... more) {
        String[] all = new String[GOOD.length + more.length + 1];
        all[0] = "install";
        System.arraycopy(GOOD, 0, all, 1, GOOD.length);
        System.arraycopy(more, 0, all, GOOD.length + 1, more.length);
        return all;
    }

    @Test
    void anUnknownFlagIsRefusedWithTheListOfValidOnes() {
        assertThat(run(good("--bogus-option=1"))).isEqualTo(2);
        assertThat(err()).contains("--bogus-option: unknown flag for 'install'; valid: ")
                .contains("--check").contains("--tenants-file").contains("--sweep-minutes");
        assertThat(run("status", "--check")).isEqualTo(2);
        assertThat(err()).contains("--check: unknown flag for 'status'");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithoutBeingEchoed() {
        assertThat(run(good("--password=" + SECRET))).isEqualTo(2);
        assertThat(err()).contains("--password: ").contains("--password-file").doesNotContain(SECRET);
    }

    @Test
    void aBadValueNamesItsFlag() {
        assertThat(run(good("--wake-port=0"))).isEqualTo(2);
        assertThat(err()).contains("--wake-port: must be 1-65535, was 0");
        assertThat(run(good("--queue-table=bad`name"))).isEqualTo(2);
        assertThat(err()).contains("--queue-table: ");
        assertThat(run(good("--sweep-minutes=often"))).isEqualTo(2);
        assertThat(err()).contains("--sweep-minutes: not a whole number");
        assertThat(run("install", "--db-host=127.0.0.1", "--schema=shop", "--user=op")).isEqualTo(2);
        assertThat(err()).contains("--wake-host: missing");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aMissingPasswordSourceNamesTheVariableAndTheFile() {
        String[] args = good("--password-env=NOT_SET_HERE");
        assertThat(run(args)).isEqualTo(2);
        assertThat(err()).contains("--password-env: environment variable NOT_SET_HERE is not set");
        assertThat(run(good("--password-file=" + dir.resolve("absent")))).isEqualTo(2);
        assertThat(err()).contains("--password-file: cannot read ").contains("NoSuchFileException");
    }

    @Test
    void aTenantsFileWithOneBadLineIsRefusedAsAWholeNamingThatLine() throws IOException {
        Path file = dir.resolve("install.conf");
        Files.writeString(file, """
                # two good tenants and one bad one
                db-host=127.0.0.1 db-port=9 schema=a user=op wake-host=127.0.0.1 tenant-key=a

                db-host=127.0.0.1 db-port=9 schema=b user=op wake-host=localhost tenant-key=b
                db-host=127.0.0.1 db-port=9 schema=c user=op wake-host=127.0.0.1 tenant-key=c
                """);
        assertThat(run("install", "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 4: wake-host: ").contains("nothing was changed");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("no tenant was worked on").isEmpty();
    }

    @Test
    void aTenantsFileRefusesPasswordsUnknownNamesAndDuplicates() throws IOException {
        Path file = dir.resolve("install.conf");
        String base = "db-host=127.0.0.1 db-port=9 user=op wake-host=127.0.0.1 ";
        Files.writeString(file, base + "schema=a tenant-key=a password=" + SECRET + "\n");
        assertThat(run("install", "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 1: password: not in this file").doesNotContain(SECRET);

        Files.writeString(file, base + "schema=a tenant-key=a colour=red\n");
        assertThat(run("install", "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 1: 'colour': expected name=value with a name of: ");

        Files.writeString(file, base + "schema=a tenant-key=a\n" + base + "schema=a tenant-key=b\n");
        assertThat(run("install", "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 2: the same database, schema and queue-table as " + file + " line 1");

        Files.writeString(file, base + "schema=a tenant-key=k\n" + base + "schema=b tenant-key=k\n");
        assertThat(run("install", "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 2: the same tenant-key as " + file + " line 1");

        assertThat(run("install", "--tenants-file=" + dir.resolve("absent.conf"))).isEqualTo(2);
        assertThat(err()).contains("--tenants-file: cannot read ");
    }

    @Test
    void flagsAreDefaultsForEveryLineOfTheFile() throws IOException {
        Path file = dir.resolve("install.conf");
        Files.writeString(file, "schema=a tenant-key=a\nschema=b tenant-key=b wake-port=70000\n");
        assertThat(run("install", "--db-host=127.0.0.1", "--user=op", "--wake-host=127.0.0.1",
                "--tenants-file=" + file)).isEqualTo(2);
        assertThat(err()).contains(file + " line 2: wake-port: must be 1-65535, was 70000");
    }

    @Test
    void aPasswordFileLosesOneTrailingNewline() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, SECRET + "\n");
        CommandLine cli = parse("install", good("--password-file=" + pw));
        assertThat(new TenantEntries("install", Map.of()).read(cli).get(0).spec().password()).isEqualTo(SECRET);
    }

    @Test
    void uninstallNeedsNoWakeTarget() throws Exception {
        CommandLine cli = parse("uninstall", "uninstall", "--db-host=127.0.0.1", "--schema=shop", "--user=op");
        assertThat(new TenantEntries("uninstall", Map.of("WAKEQ_PASSWORD", "x")).read(cli)).hasSize(1);
    }

    @Test
    void anUnreachableDatabaseIsExitCodeThreeAndThePasswordIsNotPrinted() {
        int code = run(good());
        String all = out.toString(StandardCharsets.UTF_8) + err();
        assertThat(code).as(all).isEqualTo(3);
        assertThat(all).contains("DatabaseUnreachable").doesNotContain(SECRET).doesNotContain("tenant-key=shop");
    }

    private static CommandLine parse(String command, String... args) {
        try {
            return CommandLine.parse(command, java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
