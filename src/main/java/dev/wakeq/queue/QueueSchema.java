package dev.wakeq.queue;

import dev.wakeq.sql.SqlIdentifier;

/**
 * The default queue and dead-letter tables (docs/design.md, "Queue table"). Workers rely on these columns;
 * a user who brings their own queue table must provide at least the same columns.
 */
public final class QueueSchema {

    private QueueSchema() {
    }

    public static String createQueueTable(SqlIdentifier table) {
        return """
                CREATE TABLE IF NOT EXISTS %s (
                  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  payload       LONGTEXT        NOT NULL,
                  attempts      INT UNSIGNED    NOT NULL DEFAULT 0,
                  run_after     DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                  claimed_by    VARCHAR(128)    NULL,
                  claim_expires DATETIME(3)     NULL,
                  last_error    TEXT            NULL,
                  created_at    DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                  KEY idx_ready (run_after, id)
                ) ENGINE=InnoDB""".formatted(table.quoted());
    }

    public static String createDeadLetterTable(SqlIdentifier table) {
        return """
                CREATE TABLE IF NOT EXISTS %s (
                  id            BIGINT UNSIGNED NOT NULL PRIMARY KEY,
                  payload       LONGTEXT        NOT NULL,
                  attempts      INT UNSIGNED    NOT NULL,
                  last_error    TEXT            NULL,
                  created_at    DATETIME(3)     NOT NULL,
                  dead_at       DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
                ) ENGINE=InnoDB""".formatted(table.quoted());
    }

    /** The dead-letter table's default name for a queue table: {@code <queue>_dead}. */
    public static SqlIdentifier defaultDeadLetterTable(SqlIdentifier queue) {
        String base = queue.name().length() > 59 ? queue.name().substring(0, 59) : queue.name();
        return SqlIdentifier.of("dead-letter table", base + "_dead");
    }
}
