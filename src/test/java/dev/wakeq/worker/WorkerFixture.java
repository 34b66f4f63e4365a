package dev.wakeq.worker;

import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import dev.wakeq.wire.WakeCodec;
import dev.wakeq.wire.WakeMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A worker runtime on loopback with a tenants file in a temp directory, plus helpers to drive and observe it. */
final class WorkerFixture implements AutoCloseable {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Path dir;
    final Path tenantsFile;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final DatagramSocket sender;
    WorkerRuntime runtime;

    WorkerFixture() throws IOException {
        dir = Files.createTempDirectory("wakeq-worker-test");
        tenantsFile = dir.resolve("tenants.json");
        sender = new DatagramSocket();
    }

    /** Test defaults: loopback, random port, short idle timeout so pollers end quickly. */
    static WorkerConfig.Builder config() {
        return WorkerConfig.builder().bindAddress(LOOPBACK).port(0).idleTimeout(Duration.ofSeconds(1))
                .configCheckInterval(Duration.ofMillis(200)).shutdownGrace(Duration.ofSeconds(10));
    }

    WorkerRuntime start(WorkerConfig.Builder config, JobHandler handler) throws IOException {
        runtime = WorkerRuntime.start(config.tenantsFile(tenantsFile).build(), handler, meters);
        return runtime;
    }

    /** A fresh schema with the default queue tables, and its tenant entry for the tenants file. */
    static Tenant tenant(DbServer db, String prefix) throws SQLException {
        TestSchema schema = db.newSchema(prefix);
        try (Connection c = schema.operator(); Statement s = c.createStatement()) {
            SqlIdentifier queue = SqlIdentifier.of("queue", "_queue");
            s.execute(QueueSchema.createQueueTable(queue));
            s.execute(QueueSchema.createDeadLetterTable(QueueSchema.defaultDeadLetterTable(queue)));
        }
        return new Tenant(schema, "k-" + UUID.randomUUID(), "ns/" + schema.name(), DbServer.WORKER_PASSWORD);
    }

    record Tenant(TestSchema schema, String key, String name, String password) {

        Tenant withPassword(String other) {
            return new Tenant(schema, key, name, other);
        }

        String json() {
            return """
                    {"key":"%s","name":"%s","jdbcUrl":"%s","user":"%s","password":"%s",\
                    "queueTable":"_queue","deadLetterTable":"_queue_dead"}"""
                    .formatted(key, name, schema.jdbcUrl(), DbServer.WORKER_USER, password);
        }

        long insert(String payload) throws SQLException {
            try (Connection c = schema.worker();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO _queue (payload) VALUES (?)",
                         Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, payload);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        long count(String sql) throws SQLException {
            try (Connection c = schema.worker(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Writes the file the way a Secret volume changes: a new file renamed over the old name. */
    void writeTenants(Tenant... tenants) throws IOException {
        List<String> entries = new ArrayList<>();
        for (Tenant t : tenants) {
            entries.add(t.json());
        }
        writeTenantsText("{\"version\":1,\"tenants\":[" + String.join(",", entries) + "]}");
    }

    void writeTenantsText(String text) throws IOException {
        Path tmp = Files.createTempFile(dir, "tenants", ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, tenantsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void udp(byte[] bytes) throws IOException {
        sender.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, runtime.port()));
    }

    void insertWake(Tenant t) throws IOException {
        udp(WakeCodec.encode(WakeMessage.insert(t.key())));
    }

    void tcp(byte[] bytes) throws IOException {
        try (Socket s = new Socket(LOOPBACK, runtime.port()); OutputStream out = s.getOutputStream()) {
            out.write(bytes);
        }
    }

    void sweep(Tenant t) throws IOException {
        tcp(WakeCodec.encode(WakeMessage.sweep(t.key())));
    }

    double count(String name, String... tags) {
        Counter c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    long polls() {
        return (long) count(WorkerMetrics.POLLS);
    }

    int activePollers() {
        return runtime.metrics().activePollers();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void closeLater(AutoCloseable c) {
        closeables.add(c);
    }

    @Override
    public void close() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        sender.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
