package dev.wakeq.install;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open connection per server and account for {@link TenantInstaller#fingerprint}: a re-check is then its one
 * statement, where a connect alone costs Connector/J three (server settings, {@code character_set_results},
 * {@code autocommit}). The fingerprint names every object schema-qualified, so tenants of one server that share
 * the operator's account share the connection. Each connection is used by one caller at a time; callers for
 * different servers do not wait for each other. A connection that fails is closed and opened again once.
 */
final class RecheckConnections {

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final class Slot {
        private Connection connection;
    }

    private final ConnectionFactory factory;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    RecheckConnections(ConnectionFactory factory) {
        this.factory = factory;
    }

    <T> T with(TenantSpec spec, Work<T> work) throws SQLException {
        Slot slot = slots.computeIfAbsent(key(spec), k -> new Slot());
        synchronized (slot) {
            boolean reused = slot.connection != null;
            if (!reused) {
                slot.connection = factory.open(spec);
            }
            try {
                return work.run(slot.connection);
            } catch (SQLException e) {
                if (!broken(slot.connection, e)) {
                    // A statement error (a missing privilege or table): the connection is fine, the caller reports.
                    throw e;
                }
                close(slot);
                if (!reused) {
                    throw e;
                }
                // It may have died while idle (restart, wait_timeout): one fresh try.
                slot.connection = factory.open(spec);
                try {
                    return work.run(slot.connection);
                } catch (SQLException again) {
                    close(slot);
                    throw again;
                }
            }
        }
    }

    /** SQLState class 08 is a connection exception; Connector/J also closes a connection it lost. */
    private static boolean broken(Connection c, SQLException e) {
        try {
            return (e.getSQLState() != null && e.getSQLState().startsWith("08")) || c.isClosed();
        } catch (SQLException ignored) {
            return true;
        }
    }

    private static void close(Slot slot) {
        try {
            slot.connection.close();
        } catch (SQLException ignored) {
            // Already broken; it is gone either way.
        } finally {
            slot.connection = null;
        }
    }

    /** Server and account; the password only as a digest, since keys outlive the call. */
    private static String key(TenantSpec spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(spec.password().getBytes(StandardCharsets.UTF_8));
            return spec.dbHost() + ":" + spec.dbPort() + " " + spec.user() + " " + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
