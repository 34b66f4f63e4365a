package dev.wakeq.install;

import java.sql.SQLException;

/**
 * Turns a server error into a {@link Problem} a user can act on. The caller says what the statement needed
 * (privilege and object), because the server's text names neither reliably: a missing EVENT privilege is
 * reported as "access denied to database", a missing INSERT on mysql as "command denied for table func".
 */
final class SqlErrors {

    /** What a statement needs: e.g. privilege "TRIGGER", object "`db`.`_queue`". */
    record Need(String privilege, String object) {
    }

    private SqlErrors() {
    }

    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    static Problem problem(SQLException e, Need need, TenantSpec spec, String pluginDir) {
        int code = e.getErrorCode();
        String library = ObjectNames.library(spec.functionVersion());
        return switch (code) {
            case 1045 -> new Problem(Reason.AuthenticationFailed, "the server rejected user '" + spec.user()
                    + "' with the given password: check the credentials Secret and that the account exists for "
                    + "the operator's client host", code);
            case 1049 -> new Problem(Reason.SchemaMissing, "schema " + spec.schema().quoted() + " does not exist on "
                    + spec.dbHost() + ":" + spec.dbPort() + ": create it or correct the schema name", code);
            case 1044, 1142, 1143, 1227, 1370 -> new Problem(Reason.MissingPrivilege, "user '" + spec.user()
                    + "' lacks " + need.privilege() + " on " + need.object() + ": GRANT it (see docs/installer.md, "
                    + "Privileges). Server said: " + scrub(e.getMessage(), spec), code);
            case 1419 -> new Problem(Reason.BinlogTrustRequired, "binary logging is on and user '" + spec.user()
                    + "' has no SUPER privilege, so the server refuses to create " + need.object()
                    + ": set log_bin_trust_function_creators=ON in the server configuration (the wakeq trigger "
                    + "changes no data) or grant SUPER to the account", code);
            case 1146 -> new Problem(Reason.QueueTableMissing, "table " + need.object() + " does not exist: create "
                    + "it or set createQueueTable", code);
            case 1126 -> new Problem(Reason.UdfLibraryMissing, "the server cannot load " + library + " from its "
                    + "plugin directory " + (pluginDir == null ? "(@@plugin_dir)" : pluginDir) + ": install the wakeq "
                    + "UDF image of version " + spec.functionVersion() + " on the database server so that file "
                    + "exists there", code);
            case 1124, 1127 -> new Problem(Reason.UdfLibraryInvalid, library + " in "
                    + (pluginDir == null ? "@@plugin_dir" : pluginDir) + " is not a wakeq function library of "
                    + "version " + spec.functionVersion() + ": reinstall the UDF image of that version. Server said: "
                    + scrub(e.getMessage(), spec), code);
            case 1205 -> new Problem(Reason.LockWaitTimeout, "waited " + ServerSql.LOCK_WAIT_SECONDS + " s for a "
                    + "write lock on " + need.object() + " to swap the trigger atomically; a long transaction holds "
                    + "it. The old trigger is still in place; the next reconcile retries", code);
            default -> unreachable(e)
                    ? new Problem(Reason.DatabaseUnreachable, "cannot talk to " + spec.dbHost() + ":" + spec.dbPort()
                    + " (" + scrub(firstLine(e.getMessage()), spec) + "): check host, port, network policy and "
                    + "that the server is running", code)
                    : new Problem(Reason.UnexpectedDatabaseError, "while working on " + need.object() + ": "
                    + scrub(e.getMessage(), spec) + " (SQLState " + e.getSQLState() + ")", code);
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    // Servers do not echo passwords, but a driver message might quote a URL or option; be sure.
    private static String scrub(String message, TenantSpec spec) {
        if (message == null) {
            return "";
        }
        return spec.password().length() >= 3 ? message.replace(spec.password(), "***") : message;
    }
}
