package dev.wakeq.worker;

import java.util.Locale;

/**
 * Who sends a tenant's insert wake-ups, which decides how a worker polls after one (docs/relay.md, "Workers").
 */
public enum WakeSource {
    /**
     * The database's trigger, inside the inserting transaction and so before its commit: the worker polls quickly
     * for a commit window and stays active for the idle timeout to catch late commits.
     */
    TRIGGER,
    /**
     * The binary-log relay, after the commit: one claim query, then more only while they find jobs; no commit
     * polls, no idle tail.
     */
    BINLOG;

    /** {@code Trigger} or {@code Binlog} (any case), as the tenants file and the CRD spell them; null if neither. */
    public static WakeSource parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "trigger" -> TRIGGER;
            case "binlog" -> BINLOG;
            default -> null;
        };
    }
}
