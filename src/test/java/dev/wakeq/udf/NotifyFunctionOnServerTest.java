package dev.wakeq.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import dev.wakeq.testbed.TestSchema;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real wakeq_notify library loaded into MariaDB 10.11 and MySQL 8.0: what a trigger sends, what bad
 * arguments return, and that replacing the file under load keeps the server up.
 */
class NotifyFunctionOnServerTest {

    private static final String V = TestDatabases.udfVersion();
    private static final String FN = "wakeq_notify_" + V;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void triggerSendsOneDatagramInWireFormat(DbServer db) throws Exception {
        ensureFunction(db);
        TestSchema schema = db.newSchema("udf_wire");
        try (DatagramSocket listener = udpListener(); Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE q (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            s.execute("CREATE TRIGGER wake BEFORE INSERT ON q FOR EACH ROW BEGIN DO " + FN + "('127.0.0.1', "
                    + listener.getLocalPort() + ", 'tenant-a.1', 0); END");
            s.execute("INSERT INTO q (v) VALUES (1)");
            assertThat(receive(listener)).isEqualTo("WQ1 I tenant-a.1\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void sweepModeSendsOneLineOverTcp(DbServer db) throws Exception {
        ensureFunction(db);
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Connection c = db.rootConnection()) {
            assertThat(call(c, "'127.0.0.1', " + server.getLocalPort() + ", 'tenant-b', 1")).isZero();
            server.setSoTimeout(5000);
            try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("WQ1 S tenant-b\n");
            }
        }
    }

    /** Every bad argument returns its code instead of raising an SQL error (an error would fail the INSERT). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void badArgumentsReturnCodesNeverErrors(DbServer db) throws Exception {
        ensureFunction(db);
        try (Connection c = db.rootConnection()) {
            assertThat(call(c, "'127.0.0.1', 9")).as("too few arguments").isEqualTo(-1);
            assertThat(call(c, "'127.0.0.1', 9, 'k', 0, 's', 5")).as("too many arguments").isEqualTo(-1);
            assertThat(call(c, "'127.0.0.1', 9, 'k', 0, NULL")).as("NULL statement still sends").isIn(0, 1);
            assertThat(call(c, "NULL, 9, 'k'")).as("NULL host").isEqualTo(-2);
            assertThat(call(c, "'127.0.0.1', NULL, 'k'")).as("NULL port").isEqualTo(-2);
            assertThat(call(c, "'127.0.0.1', 9, NULL")).as("NULL key").isEqualTo(-2);
            assertThat(call(c, "'127.0.0.1', 9, ''")).as("empty key").isEqualTo(-3);
            assertThat(call(c, "'127.0.0.1', 9, 'a b'")).as("key with a space").isEqualTo(-3);
            assertThat(call(c, "'127.0.0.1', 9, REPEAT('k', 65)")).as("key too long").isEqualTo(-3);
            assertThat(call(c, "'127.0.0.1', 0, 'k'")).as("port 0").isEqualTo(-4);
            assertThat(call(c, "'127.0.0.1', 70000, 'k'")).as("port too high").isEqualTo(-4);
            assertThat(call(c, "'localhost', 9, 'k'")).as("host name, not an IP").isEqualTo(-5);
            assertThat(call(c, "'db.example.invalid', 9, 'k'")).as("never resolved").isEqualTo(-5);
            assertThat(call(c, "'127.0.0.1', 9, 'k', 7")).as("mode").isEqualTo(-6);
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = closed.getLocalPort();
                closed.close();
                assertThat(call(c, "'127.0.0.1', " + port + ", 'k', 1")).as("TCP refused").isEqualTo(-10);
            }
            assertThat(call(c, "'::1', 9, 'k'")).as("IPv6 literal accepted").isIn(0, 1, -8);
        }
    }

    /** A trigger with nonsense arguments must not stop the row from being inserted. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void insertSucceedsWhenTheTriggerArgumentsAreBad(DbServer db) throws Exception {
        ensureFunction(db);
        TestSchema schema = db.newSchema("udf_bad");
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE q (id INT AUTO_INCREMENT PRIMARY KEY, rc INT)");
            s.execute("CREATE TRIGGER wake BEFORE INSERT ON q FOR EACH ROW SET NEW.rc = " + FN
                    + "('not-an-ip', 99999, '', 3)");
            s.execute("INSERT INTO q (rc) VALUES (NULL)");
            ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(rc) FROM q");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isNegative();
        }
    }

    /** A 10,000-row INSERT is one statement: coalescing sends one or a few datagrams, not 10,000. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void multiRowInsertIsCoalesced(DbServer db) throws Exception {
        ensureFunction(db);
        TestSchema schema = db.newSchema("udf_burst");
        try (DatagramSocket listener = udpListener(); Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE q (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            // As the installer writes it: the fifth argument names the statement.
            s.execute("CREATE TRIGGER wake BEFORE INSERT ON q FOR EACH ROW DO " + FN + "('127.0.0.1', "
                    + listener.getLocalPort() + ", 'burst', 0, @@timestamp)");
            StringBuilder sql = new StringBuilder("INSERT INTO q (v) VALUES (0)");
            for (int i = 1; i < 10_000; i++) {
                sql.append(",(").append(i).append(')');
            }
            long start = System.nanoTime();
            s.execute(sql.toString());
            long insertMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int datagrams = 0;
            listener.setSoTimeout(300);
            try {
                while (true) {
                    receive(listener);
                    datagrams++;
                }
            } catch (SocketTimeoutException drained) {
                // No more datagrams.
            }
            System.out.printf("%s: 10,000-row INSERT took %d ms and sent %d datagram(s)%n", db, insertMillis, datagrams);
            // One per 100 ms statement window at most: the bound grows with how long the insert ran.
            assertThat(datagrams).isBetween(1, (int) (insertMillis / 100) + 2);
        }
    }

    /**
     * The udf-image installer replaces the library the server has loaded (temp file + rename) while four
     * sessions insert through the trigger: no insert fails and the server stays up.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wakeq.testbed.TestDatabases#withLts")
    void installerReplacesLoadedLibraryUnderLoad(DbServer db) throws Exception {
        ensureFunction(db);
        TestSchema schema = db.newSchema("udf_swap");
        Path installer = TestDatabases.udfLibrary(V).resolveSibling("wakeq-install");
        try (DatagramSocket listener = udpListener(); Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE q (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            s.execute("CREATE TRIGGER wake BEFORE INSERT ON q FOR EACH ROW DO " + FN + "('127.0.0.1', "
                    + listener.getLocalPort() + ", 'swap', 0)");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong inserted = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Long>> failures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                failures.add(pool.submit(() -> insertUntil(schema, stop, inserted)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> inserted.get() > 200);
            Path copy = Files.createTempDirectory(db.pluginDir().getParent(), "swap-");
            for (int round = 0; round < 5; round++) {
                // A byte-different copy, so the installer really renames a new file over the loaded one.
                Path src = copy.resolve("libwakeq_notify_" + V + ".so");
                Files.copy(TestDatabases.udfLibrary(V), src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.write(src, new byte[] {(byte) round}, java.nio.file.StandardOpenOption.APPEND);
                Process p = new ProcessBuilder(installer.toString(), src.toString(), db.pluginDir().toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor()).as(out).isZero();
                long before = inserted.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> inserted.get() > before + 50);
            }
            stop.set(true);
            pool.shutdown();
            long failed = 0;
            for (Future<Long> f : failures) {
                failed += f.get(60, TimeUnit.SECONDS);
            }
            System.out.printf("%s: %d inserts during 5 library swaps, %d failed%n", db, inserted.get(), failed);
            assertThat(failed).isZero();
            try (Connection fresh = db.rootConnection(); Statement check = fresh.createStatement()) {
                ResultSet rs = check.executeQuery("SELECT " + FN + "('127.0.0.1', 9, 'alive')");
                rs.next();
                assertThat(rs.getInt(1)).isIn(0, 1);
            }
        }
    }

    private static long insertUntil(TestSchema schema, AtomicBoolean stop, AtomicLong inserted) throws SQLException {
        long failed = 0;
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                try {
                    s.execute("INSERT INTO q (v) VALUES (1)");
                    inserted.incrementAndGet();
                } catch (SQLException e) {
                    failed++;
                }
            }
        }
        return failed;
    }

    /** Creates the function once per server (functions are server-global). */
    static void ensureFunction(DbServer db) throws Exception {
        Path lib = TestDatabases.udfLibrary(V);
        assertThat(lib).as("built by make -C udf-image (scripts/test.sh does it)").exists();
        if (!Files.exists(db.pluginDir().resolve(lib.getFileName()))) {
            db.installLibrary(lib);
        }
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM mysql.func WHERE name = '" + FN + "'");
            rs.next();
            if (rs.getInt(1) == 0) {
                s.execute("CREATE FUNCTION " + FN + " RETURNS INTEGER SONAME 'libwakeq_notify_" + V + ".so'");
            }
        }
    }

    private static int call(Connection c, String args) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + FN + "(" + args + ")")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static DatagramSocket udpListener() throws Exception {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }
}
