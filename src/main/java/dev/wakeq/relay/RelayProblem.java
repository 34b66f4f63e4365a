package dev.wakeq.relay;

/**
 * Why a relay does not stream a server's binary log. {@link #name()} is the CamelCase word a user can search for
 * (docs/relay.md, "Problems"); the operator can use it as a tenant condition's reason.
 */
public enum RelayProblem {
    /** {@code @@log_bin} is OFF: the server writes no binary log (MariaDB's default; MySQL 8 has it on). */
    BinlogDisabled,
    /** {@code @@binlog_format} is not ROW: inserts are logged as statements, which name no rows. */
    BinlogFormat,
    /** The account lacks REPLICATION SLAVE, or REPLICATION CLIENT (MariaDB: BINLOG MONITOR). */
    MissingPrivilege,
    /** Error 1045: wrong user or password. */
    AuthenticationFailed,
    /** Anything else that keeps the stream down: unreachable server, restart, a stream cut off. Retried. */
    RelayNotConnected
}
