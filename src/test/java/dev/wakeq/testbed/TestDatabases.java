package dev.wakeq.testbed;

import dev.wakeq.embedded.LocalMysqld;
import dev.wakeq.embedded.MysqlDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real database servers of a test run: MariaDB 10.11 (Debian package), Oracle MySQL 8.0 (Maven artifact) and
 * MariaDB 11.8 LTS (Debian trixie, unpacked by scripts/testbed/mariadb-lts.sh). Each starts on first use, once per
 * test JVM, on a random port, and stops when the JVM exits.
 *
 * <p>Use {@code @MethodSource("dev.wakeq.testbed.TestDatabases#all")} to run a test on MariaDB 10.11 and MySQL 8.0,
 * {@code #withLts} to add MariaDB 11.8: only the tests that say what a server must do for wakeq (installer, function
 * not loaded, privileges, queue claim, the function itself) run on all three, to keep the suite's time.
 */
public final class TestDatabases {

    static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    /**
     * A row-based binary log, as the binlog relay needs (MariaDB's defaults are off and MIXED); trusting function
     * creators then lets the non-SUPER operator account create triggers, as on MySQL 8 below.
     */
    private static final List<String> MARIADB_ARGS = List.of(
            "--log-bin=mariadb-bin", "--binlog-format=ROW", "--log-bin-trust-function-creators=ON");

    private static DbServer mariadb;
    private static DbServer mysql8;
    private static DbServer mariadbLts;
    private static DbServer mariadbNoBinlog;
    private static DbServer mysql8NoBinlog;
    private static final java.util.Map<String, IllegalStateException> FAILED = new java.util.HashMap<>();

    private TestDatabases() {
    }

    public static Stream<DbServer> all() {
        return Stream.of(mariadb(), mysql8());
    }

    public static Stream<DbServer> withLts() {
        return Stream.of(mariadb(), mysql8(), mariadbLts());
    }

    public static synchronized DbServer mariadb() {
        if (mariadb == null) {
            if (!Files.isExecutable(MARIADBD)) {
                throw new IllegalStateException(MARIADBD + " is missing: run scripts/testbed/prepare.sh "
                        + "(installs the Debian package mariadb-server)");
            }
            mariadb = start("mariadb-10.11", "MariaDB 10.11", LocalMysqld.Flavor.MARIADB, MARIADBD, null,
                    MARIADB_ARGS);
        }
        return mariadb;
    }

    /** MariaDB 11.8 LTS, started like MariaDB 10.11 (same options) from the trixie binaries prepare.sh unpacks. */
    public static synchronized DbServer mariadbLts() {
        if (mariadbLts == null) {
            Path base = cacheDir().resolve("mariadb-11.8/base");
            Path binary = base.resolve("sbin/mariadbd");
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: run scripts/testbed/prepare.sh "
                        + "(scripts/testbed/mariadb-lts.sh unpacks MariaDB 11.8 from Debian trixie)");
            }
            mariadbLts = start("mariadb-11.8", "MariaDB 11.8", LocalMysqld.Flavor.MARIADB, binary, null,
                    MARIADB_ARGS);
        }
        return mariadbLts;
    }

    public static synchronized DbServer mysql8() {
        if (mysql8 == null) {
            try {
                Path base = MysqlDistribution.baseDir();
                // Binary logging stays on, as in production MySQL 8; trusting function creators is what lets a
                // non-SUPER account create triggers then (documented in the README).
                mysql8 = start("mysql-8.0", "MySQL 8.0.31", LocalMysqld.Flavor.MYSQL, base.resolve("bin/mysqld"),
                        base, List.of("--log-bin-trust-function-creators=ON"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot unpack MySQL 8: " + e.getMessage(), e);
            }
        }
        return mysql8;
    }

    /**
     * A second server of {@code flavor} with no binary log at all, started on first use: what the binlog relay
     * must name as BinlogDisabled. Apart from the shared servers because log_bin cannot change at run time.
     */
    public static synchronized DbServer withoutBinlog(LocalMysqld.Flavor flavor) {
        return switch (flavor) {
            case MARIADB -> {
                if (mariadbNoBinlog == null) {
                    mariadb();
                    mariadbNoBinlog = start("mariadb-10.11-nobinlog", "MariaDB 10.11 without binlog", flavor,
                            MARIADBD, null, List.of());
                }
                yield mariadbNoBinlog;
            }
            case MYSQL -> {
                if (mysql8NoBinlog == null) {
                    mysql8();
                    try {
                        Path base = MysqlDistribution.baseDir();
                        mysql8NoBinlog = start("mysql-8.0-nobinlog", "MySQL 8.0.31 without binlog", flavor,
                                base.resolve("bin/mysqld"), base, List.of("--skip-log-bin"));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot unpack MySQL 8: " + e.getMessage(), e);
                    }
                }
                yield mysql8NoBinlog;
            }
        };
    }

    private static DbServer start(String name, String label, LocalMysqld.Flavor flavor, Path binary, Path base,
                                  List<String> extraArgs) {
        Path work = workRoot().resolve(name + loaderSuffix());
        IllegalStateException failed = FAILED.get(name);
        if (failed != null) {
            // Starting again would stack a second server on a loaded machine; every later test gets the first error.
            throw failed;
        }
        try {
            killLeftover(work);
            deleteTree(work);
            // Each InnoDB asks the kernel for thousands of asynchronous I/O slots; the machine-wide limit
            // (fs.aio-max-nr, 65536) ran out with many agents' servers on one machine (io_setup EAGAIN).
            List<String> args = new java.util.ArrayList<>(extraArgs);
            args.add("--innodb-use-native-aio=OFF");
            LocalMysqld server = LocalMysqld.start(new LocalMysqld.Spec(flavor, binary, base, work,
                    work.resolve("plugin"), args));
            DbServer db = new DbServer(name, label, server);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                db.stop();
                try {
                    deleteTree(work);
                } catch (IOException ignored) {
                    // Next run deletes it before starting.
                }
            }, "stop-" + name));
            return db;
        } catch (Exception e) {
            IllegalStateException error = new IllegalStateException("test server " + name + " failed to start: "
                    + e.getMessage(), e);
            FAILED.put(name, error);
            throw error;
        }
    }

    /**
     * Each {@code @QuarkusTest} application loads test classes in a class loader of its own, with its own copy of
     * this class: without a directory of their own, each would start servers on the same work directory as the
     * plain tests' copy, deleting its files under it, and a full run stacked one pair per application (21 were
     * seen). Quarkus runs one application at a time, so a new one may stop the servers of the one before it
     * ({@link #killLeftover}); the plain tests' servers, in the JVM's own class loader, live until the JVM ends.
     */
    private static String loaderSuffix() {
        ClassLoader loader = TestDatabases.class.getClassLoader();
        return loader != null && loader.getClass().getName().contains("Quarkus") ? "-quarkus" : "";
    }

    /**
     * A server that a killed test JVM left running on this work directory (SIGKILL skips the shutdown hook that
     * stops it): found by its pid file and its command line naming the directory, and killed before the directory
     * is deleted under it (or one of the previous Quarkus application's, see {@link #loaderSuffix}). Without this,
     * every killed run left a server behind, and a loaded machine piled up dozens.
     */
    static void killLeftover(Path work) {
        Path pidFile = work.resolve("mysqld.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        String dir = work.toAbsolutePath().toString();
        ProcessHandle.of(pid)
                .filter(ph -> ph.info().commandLine().map(c -> c.contains("--datadir=" + dir + "/")).orElse(false))
                .ifPresent(ph -> {
                    ph.destroyForcibly();
                    try {
                        ph.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // Gone or going; the start below fails loudly if the port or files are still held.
                    }
                });
    }

    /** Where prepare.sh caches server binaries: {@code wakeq.cache.dir}, then $WAKEQ_CACHE_DIR, then ~/.cache/wakeq. */
    static Path cacheDir() {
        String env = System.getenv("WAKEQ_CACHE_DIR");
        return Path.of(System.getProperty("wakeq.cache.dir",
                env != null && !env.isEmpty() ? env : System.getProperty("user.home") + "/.cache/wakeq"));
    }

    /** Under the build directory, so {@code mvn clean} removes anything a killed run left behind. */
    static Path workRoot() {
        return Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath().resolve("target/testbed");
    }

    /** The built function library of a version, e.g. {@code udf-image/build/libwakeq_notify_v1.so}. */
    public static Path udfLibrary(String version) {
        return Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath()
                .resolve("udf-image/build/libwakeq_notify_" + version + ".so");
    }

    /** The function version this build ships (pom property {@code wakeq.udf.version}). */
    public static String udfVersion() {
        return System.getProperty("wakeq.udf.version", "v1");
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
