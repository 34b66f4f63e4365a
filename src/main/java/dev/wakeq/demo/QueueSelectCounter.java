package dev.wakeq.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts statements that read a queue table, per database user, from the server's general log: the way the
 * system that inspired wakeq measured its 8,450 idle queue SELECTs per tenant per hour. Needs a root connection.
 */
public final class QueueSelectCounter {

    private final Connection root;

    public QueueSelectCounter(Connection root) {
        this.root = root;
    }

    /** Starts logging every statement into {@code mysql.general_log} from now on. */
    public void start() throws SQLException {
        try (Statement s = root.createStatement()) {
            s.execute("SET GLOBAL log_output = 'TABLE'");
            s.execute("SET GLOBAL general_log = 'ON'");
        }
    }

    public void stop() throws SQLException {
        try (Statement s = root.createStatement()) {
            s.execute("SET GLOBAL general_log = 'OFF'");
        }
    }

    /**
     * SELECTs naming {@code queueTable}, per user name, since {@link #start()}. The user is the part of
     * {@code user_host} before the first '['.
     */
    public Map<String, Long> queueSelectsByUser(String queueTable) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        // A SELECT issued through a server-side prepared statement logs as 'Execute'; count both.
        String sql = """
                SELECT SUBSTRING_INDEX(user_host, '[', 1) AS usr, COUNT(*)
                  FROM mysql.general_log
                 WHERE command_type IN ('Query', 'Execute')
                   AND CONVERT(argument USING utf8mb4) LIKE 'SELECT%'
                   AND CONVERT(argument USING utf8mb4) LIKE ?
                 GROUP BY usr""";
        try (PreparedStatement ps = root.prepareStatement(sql)) {
            ps.setString(1, "%" + queueTable.replace("_", "\\_") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1).trim(), rs.getLong(2));
                }
            }
        }
        return counts;
    }
}
