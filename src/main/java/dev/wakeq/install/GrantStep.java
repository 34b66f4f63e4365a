package dev.wakeq.install;

import dev.wakeq.install.SqlErrors.Need;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * For {@code install --check}: compares the account's grants with docs/installer.md, "Privileges", and records every
 * missing one at once, where a real install would stop at the first refused statement. Reads the account's own rows
 * of the information_schema privilege views (filtered by grantee, never the whole catalog). Grants through roles are
 * not seen there: such an account is reported as lacking them, and the install itself stays the judge.
 */
final class GrantStep {

    static final String CURRENT_USER = """
            SELECT CURRENT_USER(), @@log_bin, @@log_bin_trust_function_creators""";

    static final String GLOBAL = """
            SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?""";

    // A schema grant may name a pattern (`shop\_%`), so the tenant's schema is matched with LIKE against it.
    static final String SCHEMA = """
            SELECT TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES
            WHERE GRANTEE = ? AND (? LIKE TABLE_SCHEMA OR TABLE_SCHEMA IN ('mysql', 'performance_schema'))""";

    static final String TABLE = """
            SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES
            WHERE GRANTEE = ? AND ((TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'func')
              OR (TABLE_SCHEMA = 'performance_schema' AND TABLE_NAME IN ('error_log', 'global_status')))""";

    private static final List<String> ON_SCHEMA = List.of("TRIGGER", "EVENT", "LOCK TABLES", "SELECT", "INSERT",
            "CREATE", "INDEX");

    private record Grants(Set<String> global, Set<String> schema, Set<String> table) {
        boolean has(String privilege, String schemaName, String tableName) {
            return global.contains(privilege) || schema.contains(schemaName + "|" + privilege)
                    || (tableName != null && table.contains(schemaName + "|" + tableName + "|" + privilege));
        }
    }

    private record Account(String grantee, boolean logBin, boolean trustCreators) {
    }

    private GrantStep() {
    }

    static void run(RunContext ctx) {
        Need need = new Need("SELECT", "information_schema privilege views");
        Account account = ctx.attempt(need, () -> ctx.sql.query(CURRENT_USER, rs -> new Account(
                grantee(rs.getString(1)), rs.getInt(2) == 1, rs.getInt(3) == 1)).get(0));
        if (account == null) {
            return;
        }
        String schema = ctx.spec.schema().name();
        Grants grants = ctx.attempt(need, () -> {
            Set<String> global = new HashSet<>(ctx.sql.query(GLOBAL, rs -> rs.getString(1), account.grantee()));
            Set<String> onSchema = new HashSet<>();
            for (String[] row : ctx.sql.query(SCHEMA, rs -> new String[] {rs.getString(1), rs.getString(2)},
                    account.grantee(), schema)) {
                boolean tenant = !row[0].equals("mysql") && !row[0].equals("performance_schema");
                onSchema.add((tenant ? schema : row[0]) + "|" + row[1]);
            }
            Set<String> onTable = new HashSet<>(ctx.sql.query(TABLE, rs -> rs.getString(1) + "|" + rs.getString(2)
                    + "|" + rs.getString(3), account.grantee()));
            return new Grants(global, onSchema, onTable);
        });
        if (grants == null) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String privilege : ON_SCHEMA) {
            if (!grants.has(privilege, schema, null)) {
                missing.add(privilege + " ON " + ctx.spec.schema().quoted() + ".*");
            }
        }
        for (String privilege : List.of("INSERT", "DELETE")) {
            if (!grants.has(privilege, "mysql", null)) {
                missing.add(privilege + " ON mysql.*");
            }
        }
        if (!grants.has("SELECT", "mysql", "func")) {
            missing.add("SELECT ON mysql.func");
        }
        ServerSql.Settings settings = ctx.settings();
        if (settings != null && !settings.mariaDb()) {
            for (String table : List.of("error_log", "global_status")) {
                if (!grants.has("SELECT", "performance_schema", table)) {
                    missing.add("SELECT ON performance_schema." + table);
                }
            }
        }
        for (String grant : missing) {
            ctx.problem(Reason.MissingPrivilege, "user '" + ctx.spec.user() + "' lacks " + grant + ": GRANT "
                    + grant + " TO " + account.grantee() + " (docs/installer.md, Privileges)");
        }
        if (account.logBin() && !account.trustCreators() && !grants.global().contains("SUPER")) {
            ctx.problem(Reason.BinlogTrustRequired, "binary logging is on, log_bin_trust_function_creators is OFF and"
                    + " user '" + ctx.spec.user() + "' has no SUPER privilege, so the server would refuse the "
                    + "trigger: set log_bin_trust_function_creators=ON in the server configuration");
        }
    }

    /** {@code user@host} as CURRENT_USER() gives it, in the {@code 'user'@'host'} form of the GRANTEE columns. */
    static String grantee(String currentUser) {
        int at = currentUser.lastIndexOf('@');
        return "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }
}
