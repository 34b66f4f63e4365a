package dev.wakeq.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wakeq.install.ConnectionFactory;
import dev.wakeq.install.Fingerprint;
import dev.wakeq.install.Fixtures;
import dev.wakeq.install.InstallReport;
import dev.wakeq.install.ObjectNames;
import dev.wakeq.install.StatementListener;
import dev.wakeq.install.TenantInstaller;
import dev.wakeq.install.TenantSpec;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's steady-state cost per tenant (issue 15): a re-check of a healthy tenant is one statement, and a
 * drifted one is still repaired at its next re-check. Runs the sequence a reconciler runs, on both servers.
 */
class QuietRechecksOnServerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void healthyTenantCostsOneStatementPerRecheckAndDriftIsRepairedAtTheNext(DbServer db) throws Exception {
        TestSchema schema = db.newSchema("quiet");
        TenantSpec spec = Fixtures.spec(schema, "v1").build();
        AtomicInteger statements = new AtomicInteger();
        StatementListener counting = (sql, params) -> statements.incrementAndGet();
        TenantInstaller installer = new TenantInstaller(ConnectionFactory.jdbc(
                Map.of("useSSL", "false", "allowPublicKeyRetrieval", "true")), counting);
        QuietRechecks quiet = new QuietRechecks();

        assertThat(recheck(quiet, installer, spec)).as("first: creates everything").isFalse();
        assertThat(recheck(quiet, installer, spec)).as("second: finds all in place, approves").isFalse();
        statements.set(0);
        assertThat(recheck(quiet, installer, spec)).as("third: skipped").isTrue();
        assertThat(statements.get()).isEqualTo(1);
        System.out.printf("[%s] re-check of a healthy tenant: %d statement; at a 5 minute interval %d per hour%n",
                db, statements.get(), statements.get() * 12);

        Fixtures.root(db, "DROP TRIGGER " + schema.name() + "." + ObjectNames.trigger(spec.queueTable()).quoted());
        assertThat(recheck(quiet, installer, spec)).as("after the drop: installs").isFalse();
        assertThat(Fixtures.count(db, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '"
                + schema.name() + "'")).isEqualTo(1);

        TenantSpec changed = spec.withSweepMinutes(7);
        assertThat(recheck(quiet, installer, changed)).as("a new spec installs").isFalse();
    }

    /** What the reconciler does; true when the install was skipped. */
    private static boolean recheck(QuietRechecks quiet, TenantInstaller installer, TenantSpec spec) {
        Optional<Fingerprint> before = quiet.read(spec, installer);
        if (quiet.unchanged("uid-1", spec, before)) {
            return true;
        }
        InstallReport report = installer.install(spec);
        assertThat(report.problems()).isEqualTo(List.of());
        quiet.installed("uid-1", spec, before, report);
        return false;
    }
}
