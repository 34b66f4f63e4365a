package dev.wakeq.relay;

import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import dev.wakeq.testbed.DbServer;
import dev.wakeq.testbed.TestSchema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Schemas with a queue table and no trigger, and relays over them, for the relay's tests. */
final class RelayFixture {

    /** Sweeps only when a stream starts (the periodic one would blur what a test counts); quick reconnects. */
    static final RelayTimings TIMINGS = new RelayTimings(Duration.ofMinutes(10), Duration.ofSeconds(1),
            Duration.ofSeconds(3), Duration.ofMillis(200), Duration.ofSeconds(2));

    private RelayFixture() {
    }

    /** A fresh schema with the default queue table, and a tenant for it whose wake-ups go to {@code inbox}. */
    static RelayTenant tenant(DbServer db, String prefix, WakeInbox inbox) throws SQLException {
        TestSchema schema = db.newSchema(prefix);
        try (Connection c = schema.root(); Statement s = c.createStatement()) {
            s.execute(QueueSchema.createQueueTable(SqlIdentifier.of("queue table", "_queue")));
        }
        return new RelayTenant("key-" + schema.name(), "test/" + schema.name(), schema.name(), "_queue",
                "127.0.0.1", inbox.port());
    }

    static RelayServer relayAccount(DbServer db) {
        return new RelayServer(db.host(), db.port(), DbServer.RELAY_USER, DbServer.RELAY_PASSWORD);
    }

    static BinlogRelay start(RelayServer server, RelayTenant... tenants) throws IOException {
        return start(new SimpleMeterRegistry(), server, tenants);
    }

    static BinlogRelay start(MeterRegistry meters, RelayServer server, RelayTenant... tenants) throws IOException {
        return BinlogRelay.start(new RelaySetup(server, List.of(tenants)), TIMINGS, meters);
    }

    static void insert(DbServer db, RelayTenant t, int rows) throws SQLException {
        try (Connection c = db.rootConnection(t.schema()); Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder("INSERT INTO `" + t.queueTable() + "` (payload) VALUES ");
            List<String> values = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                values.add("('job " + i + "')");
            }
            s.execute(sql.append(String.join(",", values)).toString());
        }
    }
}
