package dev.wakeq.install;

import dev.wakeq.queue.QueueSchema;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The queue and dead-letter tables: whether they exist, and creating them from {@link QueueSchema}. */
final class TableSql {

    /** The queue, dead-letter and marks tables in one query, asked by schema and exact names. */
    static final String FIND = """
            SELECT TABLE_NAME, TABLE_TYPE, ENGINE
              FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?, ?)""";

    private TableSql() {
    }

    /** A table's TABLE_TYPE ("BASE TABLE", "VIEW") and ENGINE (null for a view). */
    record Found(String type, String engine) {
    }

    /** Table name to what information_schema says of it, for those of the three that exist. */
    static Map<String, Found> find(SqlExecutor sql, TenantSpec spec) throws SQLException {
        Map<String, Found> found = new HashMap<>();
        sql.query(FIND, rs -> found.put(rs.getString(1), new Found(rs.getString(2), rs.getString(3))),
                spec.schema().name(), spec.queueTable().name(), spec.deadLetterTable().name(), LoadedSql.TABLE.name());
        return found;
    }

    // The connection's default schema is the tenant's, so QueueSchema's unqualified names land there.
    static void createQueue(SqlExecutor sql, SqlIdentifier table) throws SQLException {
        sql.execute(QueueSchema.createQueueTable(table));
    }

    static void createDeadLetter(SqlExecutor sql, SqlIdentifier table) throws SQLException {
        sql.execute(QueueSchema.createDeadLetterTable(table));
    }
}
