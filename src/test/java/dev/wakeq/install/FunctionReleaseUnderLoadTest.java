package dev.wakeq.install;

import static dev.wakeq.install.ObjectReport.Action.ALTERED;
import static dev.wakeq.install.ObjectReport.Action.CREATED;
import static dev.wakeq.install.ObjectReport.Action.DROPPED;
import static dev.wakeq.install.ObjectReport.Action.NONE;
import static dev.wakeq.install.ObjectReport.Action.REPLACED;
import static dev.wakeq.install.ObjectReport.Kind.EVENT;
import static dev.wakeq.install.ObjectReport.Kind.FUNCTION;
import static dev.wakeq.install.ObjectReport.Kind.OLD_FUNCTION;
import static dev.wakeq.install.ObjectReport.Kind.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #6, "Function release by image swap", on MariaDB 10.11 and MySQL 8.0: every tenant of a server moves
 * from function version A to B, one tenant after the other as the operator reconciles them (in the second test
 * all at once, as parallel reconciles would), and then back to A, while inserts run without a pause. After
 * each direction the version left behind is deleted from the plugin dir with {@code wakeq-install
 * --prune-except} (what a later run of a release does); before the rollback A's file is installed again by
 * rename (what the old image's init container does).
 *
 * <p>Load: {@value #MARKED_TENANTS} tenants with {@value #THREADS_PER_TENANT} threads each doing single-row
 * autocommit INSERTs back to back, and one probe tenant with one thread that leaves {@value #PROBE_SPACING_MS}
 * ms between its inserts. Each tenant is a schema of its own on the same server, so all share the server-global
 * functions, which is what makes dropping the old one delicate.
 *
 * <p>Asserted: no INSERT failed; no row was inserted without the trigger (below); the old function stays while
 * any tenant still calls it and is gone from {@code mysql.func} once the last tenant moved (A after the upgrade,
 * B after the rollback); each tenant's wakes keep arriving after its trigger moved. Printed, not asserted (this
 * is a shared 2-core machine): rows, wakes, the longest silence between two wakes of one tenant while the load
 * ran, and how long each install took.
 *
 * <p>Why "no row without a trigger" is exact. Counting wake datagrams cannot show it for a loaded tenant: the
 * function sends at most one datagram per tenant per 5 ms, so a row that skipped the trigger looks like a
 * coalesced one. The general log records statements, not trigger runs, and performance_schema is off by default
 * on MariaDB. So two proofs, each exact for the rows it covers:
 * <ul>
 *   <li>Loaded tenants: the installer's test-only trigger prelude puts
 *   {@code SET NEW.payload = CONCAT(NEW.payload, ' via <version>');} before the function call. A row whose payload
 *   lacks the mark did not pass a trigger; a marked row ran the whole body, the call included (a call to a
 *   missing function fails the INSERT, which would be counted). This is the one way these triggers differ from
 *   production: one assignment to an existing column, no extra column or table; the swap statements (LOCK
 *   TABLES, DROP TRIGGER, CREATE TRIGGER, UNLOCK TABLES), the functions' CREATE and DROP and the event's ALTER
 *   are the installer's own. The marks also give the order: by id, a tenant's rows read A..A B..B A..A, one
 *   change per swap, because a statement that opened the table before a swap finishes before the lock is
 *   granted.</li>
 *   <li>Probe tenant: its trigger is exactly the production one. Its one thread waits more than the 5 ms
 *   coalescing window between an INSERT's return and the next one's start, so the server's calls of the
 *   function are more than 5 ms apart too and every call sends: datagrams received must equal rows inserted.
 *   A row without the trigger leaves the count short. A lost datagram would make this fail, never pass
 *   wrongly.</li>
 * </ul>
 */
class FunctionReleaseUnderLoadTest {

    static final int MARKED_TENANTS = 3;
    static final int THREADS_PER_TENANT = 2;
    /** More than the function's coalescing window (WAKEQ_COALESCE_NS, 5 ms). */
    static final int PROBE_SPACING_MS = 8;
    /**
     * Versions of each test alone: functions are server-wide, other test classes keep v1 in use, and the tenants
     * of one test keep calling its A after it ended.
     */
    private static final Release ONE_BY_ONE = new Release("rel_a", "rel_b", false);
    private static final Release ALL_AT_ONCE = new Release("par_a", "par_b", true);
    /** New wakes each tenant must send after each step, so the load is seen flowing through the new trigger. */
    private static final int WAKES_PER_STEP = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Versions A and B, and whether the tenants move one after the other or all at once. */
    private record Release(String a, String b, boolean parallel) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void upgradeAndRollbackUnderInsertLoadLoseNoInsertAndNoTrigger(DbServer db) throws Exception {
        release(db, ONE_BY_ONE);
    }

    /**
     * The same with every tenant's install running at once, as the operator may reconcile them in parallel: one
     * of them creates the new function (the others find it or lose the race to create it), and whichever checks
     * last finds no caller of the old one and drops it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#all")
    void parallelUpgradeAndRollbackUnderInsertLoadLoseNoInsertAndNoTrigger(DbServer db) throws Exception {
        release(db, ALL_AT_ONCE);
    }

    private static void release(DbServer db, Release r) throws Exception {
        String a = r.a();
        String b = r.b();
        Fixtures.library(db, a);
        Fixtures.library(db, b);
        try (WakeLog loadWakes = new WakeLog(); WakeLog probeWakes = new WakeLog()) {
            List<Tenant> tenants = new ArrayList<>();
            for (int i = 0; i < MARKED_TENANTS; i++) {
                tenants.add(new Tenant(db.newSchema("release"), false, loadWakes, r));
            }
            tenants.add(new Tenant(db.newSchema("probe"), true, probeWakes, r));
            for (Tenant t : tenants) {
                InstallReport first = t.install(a);
                assertThat(first.inSync()).as(first.toString()).isTrue();
            }

            Load load = new Load(tenants);
            long started = System.nanoTime();
            try {
                awaitNewWakes(tenants);
                move(db, tenants, a, b, r.parallel());
                assertThat(Fixtures.pruneLibrary(db, a)).contains("removed");
                assertThat(db.pluginDir().resolve(ObjectNames.library(a))).doesNotExist();
                awaitNewWakes(tenants);

                Fixtures.library(db, a);
                move(db, tenants, b, a, r.parallel());
                assertThat(Fixtures.pruneLibrary(db, b)).contains("removed");
                assertThat(db.pluginDir().resolve(ObjectNames.library(b))).doesNotExist();
                awaitNewWakes(tenants);
            } finally {
                load.stop();
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            for (Tenant t : tenants) {
                t.count(db);
            }
            report(db, r, tenants, seconds);

            assertThat(load.errors).as("failed inserts").isEmpty();
            assertThat(Fixtures.functionExists(db, a)).isTrue();
            assertThat(Fixtures.functionExists(db, b)).isFalse();
            for (Tenant t : tenants) {
                assertThat(t.inserted.sum()).as(t + " rows inserted").isPositive();
                assertThat(t.failed.sum()).as(t + " failed inserts").isZero();
                assertThat(t.installer(a).inspect(t.spec(a)).inSync()).as(t + " back at " + a).isTrue();
                assertThat(t.rows).as(t + " rows in the table").isEqualTo(t.inserted.sum());
                if (t.probe) {
                    assertThat(t.wakes()).as(t + ": one datagram per row, so each row ran the trigger")
                            .isEqualTo(t.rows);
                } else {
                    assertThat(t.unmarked).as(t + ": rows inserted without a trigger").isZero();
                    assertThat(t.runs).as(t + ": trigger versions in id order").containsExactly(a, b, a);
                }
            }
        }
    }

    /** Moves every tenant from one version to the other, checking what happens to the old function. */
    private static void move(DbServer db, List<Tenant> tenants, String from, String to, boolean parallel)
            throws Exception {
        if (parallel) {
            moveAllAtOnce(db, tenants, from, to);
            return;
        }
        for (int i = 0; i < tenants.size(); i++) {
            Tenant t = tenants.get(i);
            long wakes = t.wakes();
            InstallReport r = t.move(to);
            assertThat(r.object(FUNCTION).orElseThrow().action()).as(r.toString()).isEqualTo(i == 0 ? CREATED : NONE);
            boolean last = i == tenants.size() - 1;
            assertThat(r.object(OLD_FUNCTION).orElseThrow().action()).as(r.toString()).isEqualTo(last ? DROPPED : NONE);
            assertThat(Fixtures.functionExists(db, from)).as(from + " while other tenants call it").isEqualTo(!last);
            await().atMost(WAIT).until(() -> t.wakes() >= wakes + WAKES_PER_STEP);
        }
    }

    private static void moveAllAtOnce(DbServer db, List<Tenant> tenants, String from, String to) throws Exception {
        List<InstallReport> reports;
        ExecutorService pool = Executors.newFixedThreadPool(tenants.size());
        try {
            List<Future<InstallReport>> moves = new ArrayList<>();
            for (Tenant t : tenants) {
                moves.add(pool.submit(() -> t.move(to)));
            }
            reports = new ArrayList<>();
            for (Future<InstallReport> move : moves) {
                reports.add(move.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(reports).as("reports that created " + to)
                .filteredOn(r -> r.object(FUNCTION).orElseThrow().action() == CREATED).hasSize(1);
        assertThat(reports).as("reports that dropped " + from)
                .filteredOn(r -> r.object(OLD_FUNCTION).orElseThrow().action() == DROPPED).isNotEmpty();
        assertThat(Fixtures.functionExists(db, from)).as(from + " after every tenant moved").isFalse();
        System.out.printf("%s: %s -> %s all at once, old function: %s%n", db, from, to, reports.stream()
                .map(r -> r.object(OLD_FUNCTION).orElseThrow())
                .map(o -> o.action() + " (" + o.detail() + ")").toList());
        awaitNewWakes(tenants);
    }

    private static void awaitNewWakes(List<Tenant> tenants) {
        Map<Tenant, Long> before = new HashMap<>();
        tenants.forEach(t -> before.put(t, t.wakes()));
        await().atMost(WAIT).until(() -> tenants.stream().allMatch(t -> t.wakes() >= before.get(t) + WAKES_PER_STEP));
    }

    private static void report(DbServer db, Release r, List<Tenant> tenants, double seconds) {
        long inserted = tenants.stream().mapToLong(t -> t.inserted.sum()).sum();
        long failed = tenants.stream().mapToLong(t -> t.failed.sum()).sum();
        System.out.printf("%s: release %s -> %s -> %s under load, tenants %s, %.1f s: %d inserts (%.0f/s), "
                + "%d failed%n", db, r.a(), r.b(), r.a(), r.parallel() ? "all at once" : "one by one", seconds,
                inserted, inserted / seconds, failed);
        for (Tenant t : tenants) {
            System.out.printf("%s:   %-12s %-6s %6d rows %s, %5d wakes, longest gap between wakes %4d ms, "
                            + "installs took %s ms%n", db, t.schema.name(), t.probe ? "probe" : "loaded",
                    t.inserted.sum(), t.probe ? "(production trigger)" : "by trigger version " + t.rowsByVersion
                            + (t.unmarked > 0 ? ", " + t.unmarked + " WITHOUT A TRIGGER" : ""),
                    t.wakes(), t.wakes.longestGapMillis(t.key()), t.installMillis);
        }
    }

    /** One tenant schema on the server, with its specs for both versions and what the load did to it. */
    private static final class Tenant {
        final TestSchema schema;
        final boolean probe;
        final WakeLog wakes;
        final Map<String, TenantSpec> specs = new HashMap<>();
        final LongAdder inserted = new LongAdder();
        final LongAdder failed = new LongAdder();
        final List<Long> installMillis = new ArrayList<>();
        long rows;
        long unmarked;
        final List<String> runs = new ArrayList<>();
        final Map<String, Long> rowsByVersion = new HashMap<>();

        Tenant(TestSchema schema, boolean probe, WakeLog wakes, Release release) throws IOException {
            this.schema = schema;
            this.probe = probe;
            this.wakes = wakes;
            // Built once: Fixtures.spec installs the library file, which must not come back after a prune.
            for (String version : List.of(release.a(), release.b())) {
                specs.put(version, Fixtures.spec(schema, version).wakeTarget("127.0.0.1", wakes.port())
                        .tenantKey(schema.name()).build());
            }
        }

        String key() {
            return schema.name();
        }

        TenantSpec spec(String version) {
            return specs.get(version);
        }

        /** Production trigger for the probe; for the others one that marks each row with the version. */
        TenantInstaller installer(String version) {
            return probe ? Fixtures.installer()
                    : Fixtures.installerWithTriggerPrelude("SET NEW.payload = CONCAT(NEW.payload, ' via " + version
                    + "'); ");
        }

        InstallReport install(String version) {
            return installer(version).install(spec(version));
        }

        /** Installs {@code version} over the other one, timed; the trigger must be swapped and the event altered. */
        InstallReport move(String version) {
            long start = System.nanoTime();
            InstallReport r = install(version);
            installMillis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(r.inSync()).as(this + " -> " + version + ": " + r).isTrue();
            assertThat(r.object(TRIGGER).orElseThrow().action()).as(r.toString()).isEqualTo(REPLACED);
            assertThat(r.object(EVENT).orElseThrow().action()).as(r.toString()).isEqualTo(ALTERED);
            return r;
        }

        long wakes() {
            return wakes.count(key());
        }

        /**
         * Counts the rows and, for a loaded tenant, reads the trigger's mark of each in id order: how many carry
         * none, how many each version marked, and the versions as runs (A, B, A for one upgrade and rollback).
         * For the probe, gives the last datagrams time to arrive.
         */
        void count(DbServer db) throws SQLException {
            rows = Fixtures.count(db, "SELECT COUNT(*) FROM `" + schema.name() + "`._queue");
            if (probe) {
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> wakes() >= rows);
                } catch (ConditionTimeoutException e) {
                    // The assertion on the count says what is missing.
                }
                return;
            }
            try (Connection c = schema.root(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT payload FROM _queue ORDER BY id")) {
                String mark = Load.PAYLOAD + " via ";
                while (rs.next()) {
                    String payload = rs.getString(1);
                    if (!payload.startsWith(mark)) {
                        unmarked++;
                        continue;
                    }
                    String version = payload.substring(mark.length());
                    rowsByVersion.merge(version, 1L, Long::sum);
                    if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(version)) {
                        runs.add(version);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return schema.toString();
        }
    }

    /** The inserting threads: single-row autocommit INSERTs as the worker account, until stopped. */
    private static final class Load {
        static final String PAYLOAD = "job";
        final Queue<String> errors = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(List<Tenant> tenants) {
            for (Tenant t : tenants) {
                int threadCount = t.probe ? 1 : THREADS_PER_TENANT;
                for (int i = 0; i < threadCount; i++) {
                    Thread thread = new Thread(() -> insert(t), "insert-" + t.schema.name());
                    thread.start();
                    threads.add(thread);
                }
            }
        }

        private void insert(Tenant t) {
            long spacing = t.probe ? TimeUnit.MILLISECONDS.toNanos(PROBE_SPACING_MS) : 0;
            long lastReturn = System.nanoTime() - spacing;
            Connection c = null;
            PreparedStatement insert = null;
            while (running.get()) {
                try {
                    if (c == null) {
                        c = t.schema.worker();
                        insert = c.prepareStatement("INSERT INTO _queue (payload) VALUES ('" + PAYLOAD + "')");
                    }
                    for (long left; (left = lastReturn + spacing - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(left);
                    }
                    insert.executeUpdate();
                    t.inserted.increment();
                } catch (SQLException e) {
                    t.failed.increment();
                    if (errors.size() < 20) {
                        errors.add(t + ": " + e.getErrorCode() + " " + e.getMessage());
                    }
                    closeQuietly(c);
                    c = null;
                }
                lastReturn = System.nanoTime();
            }
            closeQuietly(c);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        private static void closeQuietly(Connection c) {
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // A fresh connection follows; this one is done either way.
            }
        }
    }

    /** Counts the UDP wakes of each tenant key as they arrive, and the longest silence between two of one key. */
    private static final class WakeLog implements AutoCloseable {
        private static final String INSERT_WAKE = "udp WQ1 I ";
        private final WakeReceiver receiver = new WakeReceiver();
        private final Map<String, Long> counts = new HashMap<>();
        private final Map<String, Long> last = new HashMap<>();
        private final Map<String, Long> longestGap = new HashMap<>();
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final Thread drain = new Thread(this::drain, "wake-log");

        WakeLog() throws IOException {
            drain.setDaemon(true);
            drain.start();
        }

        int port() {
            return receiver.port();
        }

        private void drain() {
            try {
                while (open.get()) {
                    String message = receiver.next(1);
                    if (message != null && message.startsWith(INSERT_WAKE)) {
                        arrived(message.substring(INSERT_WAKE.length()).strip(), System.nanoTime());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void arrived(String key, long now) {
            counts.merge(key, 1L, Long::sum);
            Long previous = last.put(key, now);
            if (previous != null) {
                longestGap.merge(key, now - previous, Math::max);
            }
        }

        synchronized long count(String key) {
            return counts.getOrDefault(key, 0L);
        }

        synchronized long longestGapMillis(String key) {
            return longestGap.getOrDefault(key, 0L) / 1_000_000;
        }

        @Override
        public void close() throws IOException {
            open.set(false);
            receiver.close();
        }
    }
}
