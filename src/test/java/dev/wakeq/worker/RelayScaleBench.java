package dev.wakeq.worker;

import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestDatabases;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay as its own process (JVM options as printed) on one server with many tenants (issue #14): replication
 * connections, RSS, and the relay's CPU at 1,000 queue inserts/s and at 1,000 writes/s to an unrelated table
 * (which must send no wake-up). Then {@link RelayKillBench}. Prints numbers; asserts nothing.
 * Run by {@code scripts/relay-bench.sh}.
 */
public final class RelayScaleBench {

    static final String JVM_OPTS = "-Xmx64m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=32m -Xss512k "
            + "-XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=64m";

    private RelayScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        for (DbServer db : List.of(TestDatabases.mariadb(), TestDatabases.mysql8())) {
            scale(db, tenants);
            RelayKillBench.run(db);
        }
        System.exit(0);
    }

    private static void scale(DbServer db, int count) throws Exception {
        List<String> schemas = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                String schema = db.newSchema("rs").name();
                s.execute("USE `" + schema + "`");
                s.execute(QueueSchema.createQueueTable(SqlIdentifier.of("queue", "_queue")));
                schemas.add(schema);
            }
            s.execute("CREATE DATABASE IF NOT EXISTS bench_other");
            s.execute("CREATE TABLE IF NOT EXISTS bench_other.events (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "payload VARCHAR(64) NOT NULL)");
        }
        System.out.printf("%s: %d tenant schemas with a queue table created in %.1f s%n", db.name(), count,
                (System.nanoTime() - t0) / 1e9);
        try (WakeSink sink = new WakeSink()) {
            StringBuilder list = new StringBuilder();
            for (String schema : schemas) {
                list.append(list.isEmpty() ? "" : ",").append("{\"key\":\"k-").append(schema).append("\",\"name\":\"b/")
                        .append(schema).append("\",\"schema\":\"").append(schema)
                        .append("\",\"wakeHost\":\"127.0.0.1\",\"wakePort\":").append(sink.port()).append('}');
            }
            try (RelayProcess relay = RelayProcess.start(db, list.toString())) {
                sink.awaitSweeps(count, 60_000);
                System.out.printf("%s: relay streaming, %d sweeps received; replication connections of the relay "
                                + "account: %d; relay RSS %d MiB (JVM options: %s)%n", db.name(), sink.sweeps.get(),
                        replicationConnections(db), ProcessCpu.rssKib(relay.pid()) / 1024, JVM_OPTS);
                long wakes0 = sink.inserts.get();
                double cpu = load(db, relay, schemas, 1000, 10);
                long wakes = sink.inserts.get() - wakes0;
                System.out.printf("%s: 1,000 queue inserts/s for 10 s across %d tenants: relay CPU %.1f %% of a core, "
                        + "%d insert wake-ups; RSS %d MiB%n", db.name(), count, cpu, wakes,
                        ProcessCpu.rssKib(relay.pid()) / 1024);
                long wakes1 = sink.inserts.get();
                double other = load(db, relay, List.of("bench_other"), 1000, 10);
                System.out.printf("%s: 1,000 inserts/s into an unrelated table for 10 s: relay CPU %.1f %% of a core, "
                                + "%d wake-ups sent (must be 0); RSS %d MiB%n", db.name(), other,
                        sink.inserts.get() - wakes1, ProcessCpu.rssKib(relay.pid()) / 1024);
            }
        }
    }

    /** Inserts {@code perSecond} rows/s for {@code seconds} round-robin over the schemas; the relay's CPU in %. */
    private static double load(DbServer db, RelayProcess relay, List<String> schemas, int perSecond, int seconds)
            throws Exception {
        int threads = 4;
        long cpu0 = ProcessCpu.micros(relay.pid());
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        for (int w = 0; w < threads; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (Connection c = db.rootConnection(); Statement s = c.createStatement()) {
                    long total = (long) perSecond * seconds / threads;
                    long intervalNanos = 1_000_000_000L * threads / perSecond;
                    for (long i = 0; i < total; i++) {
                        String schema = schemas.get((int) ((i * threads + id) % schemas.size()));
                        String table = schema.equals("bench_other") ? "`bench_other`.`events`" : "`" + schema + "`.`_queue`";
                        s.executeUpdate("INSERT INTO " + table + " (payload) VALUES ('x')");
                        done.incrementAndGet();
                        long due = t0 + (i + 1) * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        Thread.sleep(500);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu = ProcessCpu.micros(relay.pid()) - cpu0;
        if (done.get() < (long) perSecond * seconds) {
            System.out.println("  (only " + done.get() + " rows inserted)");
        }
        System.out.printf("  %d rows in %.1f s%n", done.get(), elapsed);
        return cpu / 1e4 / elapsed;
    }

    private static int replicationConnections(DbServer db) throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + DbServer.RELAY_USER
                        + "' AND COMMAND LIKE 'Binlog Dump%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Counts wake-ups by kind on one loopback port. */
    static final class WakeSink implements AutoCloseable {
        final AtomicLong inserts = new AtomicLong();
        final AtomicLong sweeps = new AtomicLong();
        private final DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final java.net.ServerSocket tcp;

        WakeSink() throws IOException {
            tcp = new java.net.ServerSocket();
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()), 1000);
            daemon(() -> {
                byte[] buf = new byte[256];
                while (!udp.isClosed()) {
                    try {
                        udp.receive(new DatagramPacket(buf, buf.length));
                        inserts.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            daemon(() -> {
                while (!tcp.isClosed()) {
                    try (var s = tcp.accept()) {
                        if (new String(s.getInputStream().readNBytes(128), StandardCharsets.US_ASCII).startsWith("WQ1 S")) {
                            sweeps.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (tcp.isClosed()) {
                            return;
                        }
                    }
                }
            });
        }

        int port() {
            return udp.getLocalPort();
        }

        void awaitSweeps(long n, long millis) throws InterruptedException {
            BinlogSourceBench.await(() -> sweeps.get() >= n, millis);
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "wake-sink");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            udp.close();
            tcp.close();
        }
    }

    /** {@code wakeq relay} as a child JVM with a relay file for {@code db} and the given tenants. */
    static final class RelayProcess implements AutoCloseable {
        private final Process process;

        private RelayProcess(Process process) {
            this.process = process;
        }

        static RelayProcess start(DbServer db, String tenantsJson) throws IOException {
            Path file = Files.createTempFile("relay", ".json");
            Files.writeString(file, "{\"version\":1,\"server\":{\"host\":\"" + db.host() + "\",\"port\":" + db.port()
                    + ",\"user\":\"" + DbServer.RELAY_USER + "\",\"password\":\"" + DbServer.RELAY_PASSWORD
                    + "\"},\"tenants\":[" + tenantsJson + "]}");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(List.of(JVM_OPTS.split(" ")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wakeq.relay.RelayMain",
                    "--relay-file=" + file, "--metrics-port=0"));
            Path log = Files.createTempFile("relay", ".log");
            return new RelayProcess(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start());
        }

        long pid() {
            return process.pid();
        }

        /** As the kernel's OOM killer or a node loss would: no shutdown hook runs. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
