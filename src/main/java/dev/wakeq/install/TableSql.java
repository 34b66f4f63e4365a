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
            SELECT TABLE_NAME, TABLE_TYPE
              FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?, ?)""";

    private TableSql() {
    }

    /** Table name to TABLE_TYPE ("BASE TABLE", "VIEW") for those of the three that exist. */
    static Map<String, String> find(SqlExecutor sql, TenantSpec spec) throws SQLException {
        Map<String, String> found = new HashMap<>();
        sql.query(FIND, rs -> found.put(rs.getString(1), rs.getString(2)),
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
