package dev.wakeq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's systemd unit (packaging/systemd/, docs/vm.md) passes {@code systemd-analyze verify} with no warning.
 * Verify checks that ExecStart's program exists, so the copy checked here runs this checkout's bin/wakeq instead of
 * /opt/wakeq/bin/wakeq. Needs no running systemd; scripts/testbed/prepare.sh installs the tool, and CI fails
 * without it.
 */
class SystemdUnitTest {

    private static final Path ROOT = Path.of(System.getProperty("wakeq.project.dir", "."));
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @TempDir
    Path dir;

    private record Verdict(int code, String output) {
    }

    @Test
    void theWorkerUnitVerifiesWithoutAWarning() throws Exception {
        Verdict v = verify(unit());
        assertThat(v.code()).as(v.output()).isZero();
        assertThat(v.output()).isBlank();
    }

    @Test
    void theCheckSeesAMistakeInTheUnit() throws Exception {
        // Unknown keys are only warnings (exit 0): the test above must fail on any output, and this shows it would.
        Verdict v = verify(unit().replace("TimeoutStopSec=", "TimeoutStoppSec="));
        assertThat(v.output()).contains("Unknown key 'TimeoutStoppSec'");
    }

    @Test
    void theUnitStartsTheWorkerWithOptionsTheWorkerKnows() throws IOException {
        String exec = unit().lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertThat(exec).endsWith("bin/wakeq worker --tenants-file=/etc/wakeq/tenants.json --state-dir=/var/lib/wakeq");
        // The worker refuses unknown options: every --name the unit passes must be one it reads.
        java.util.regex.Matcher option = java.util.regex.Pattern.compile("--([a-z-]+)=").matcher(exec);
        while (option.find()) {
            assertThat(dev.wakeq.worker.WorkerMain.OPTIONS).contains(option.group(1));
        }
    }

    private String unit() throws IOException {
        return Files.readString(ROOT.resolve("packaging/systemd/wakeq-worker.service"))
                .replace("/opt/wakeq/bin/wakeq", ROOT.toAbsolutePath().resolve("bin/wakeq").toString());
    }

    private Verdict verify(String content) throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze missing: run scripts/testbed/prepare.sh");
        }
        Path unit = dir.resolve("wakeq-worker.service");
        Files.writeString(unit, content);
        Process p = new ProcessBuilder(ANALYZE.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        return new Verdict(p.exitValue(), out);
    }
}
