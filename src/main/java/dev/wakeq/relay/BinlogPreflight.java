package dev.wakeq.relay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * Asks the server, over an ordinary connection with the relay's account, what would otherwise surface as an
 * unexplained silence: is the binary log on, is it row-based and uncompressed, may this account see where it
 * ends. Three server variables and one status statement; nothing about other objects.
 */
final class BinlogPreflight {

    private final int connectTimeoutMillis;

    BinlogPreflight(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** Empty when the relay can stream; else the problem. */
    Optional<RelayStatus> check(RelayServer server) {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        props.setProperty("password", server.password());
        props.setProperty("connectTimeout", String.valueOf(connectTimeoutMillis));
        props.setProperty("socketTimeout", "30000");
        // The replication account is often made for this alone; TLS is the binary-log client's business.
        props.setProperty("useSSL", "false");
        props.setProperty("allowPublicKeyRetrieval", "true");
        String url = "jdbc:mysql://" + server.host() + ":" + server.port() + "/";
        try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.of(RelayStatus.problem(RelayProblem.BinlogDisabled, server.address()
                            + " writes no binary log (log_bin is OFF): start it with log_bin (and binlog_format=ROW), "
                            + "or give this server's tenants wake source Trigger"));
                }
                String format = rs.getString(2);
                if (!"ROW".equalsIgnoreCase(format)) {
                    return Optional.of(RelayStatus.problem(RelayProblem.BinlogFormat, server.address()
                            + " logs in binlog_format=" + format + ", which names no inserted rows: set binlog_format=ROW"
                            + " in the server's configuration (MariaDB's default is MIXED)"));
                }
            }
            // MySQL 8.0.20+ can compress each transaction into one payload event, which this relay does not open.
            // MariaDB has no such variable: LIKE on one name answers with no row there.
            try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE 'binlog_transaction_compression'")) {
                if (rs.next() && "ON".equalsIgnoreCase(rs.getString(2))) {
                    return Optional.of(RelayStatus.problem(RelayProblem.BinlogFormat, server.address()
                            + " compresses its binary log transactions (binlog_transaction_compression=ON), which "
                            + "hides their rows from the relay: turn it OFF"));
                }
            }
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                if (!rs.next()) {
                    return Optional.of(RelayStatus.problem(RelayProblem.BinlogDisabled, server.address()
                            + " reports no current binary log file: start it with log_bin"));
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(classify(e, server));
        }
    }

    static RelayStatus classify(SQLException e, RelayServer server) {
        return switch (e.getErrorCode()) {
            case 1045 -> RelayStatus.problem(RelayProblem.AuthenticationFailed, server.address() + " rejected user '"
                    + server.user() + "' with the given password: check the relay's credentials Secret");
            case 1227 -> RelayStatus.problem(RelayProblem.MissingPrivilege, missingPrivilege(server,
                    "REPLICATION CLIENT (MariaDB: BINLOG MONITOR)", e.getMessage()));
            default -> RelayStatus.problem(RelayProblem.RelayNotConnected, "cannot ask " + server.address()
                    + " about its binary log: " + server.scrub(firstLine(e.getMessage())) + " (error "
                    + e.getErrorCode() + ", SQLState " + e.getSQLState() + ")");
        };
    }

    static String missingPrivilege(RelayServer server, String privilege, String serverSaid) {
        return "user '" + server.user() + "' lacks " + privilege + " on " + server.address() + ": GRANT REPLICATION "
                + "SLAVE, REPLICATION CLIENT ON *.* (MariaDB: REPLICATION SLAVE, BINLOG MONITOR). Server said: "
                + server.scrub(firstLine(serverSaid));
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
