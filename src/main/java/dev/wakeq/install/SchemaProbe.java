package dev.wakeq.install;

import dev.wakeq.install.SqlErrors.Need;
import dev.wakeq.sql.SqlIdentifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Tells a missing schema from a missing privilege when the server refused the connection with 1044 ("access denied
 * to database"): both servers answer so, instead of 1049, for a schema name no privilege of the account covers,
 * whether or not it exists. Asks about that one schema over a connection to information_schema, which every account
 * may use.
 */
final class SchemaProbe {

    static final String VISIBLE = """
            SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?""";

    private static final SqlIdentifier INFORMATION_SCHEMA = SqlIdentifier.of("schema", "information_schema");

    private SchemaProbe() {
    }

    /** The problem for a connection refused with {@code refused}; the report's statement count in {@code sent}. */
    static InstallReport refused(ConnectionFactory connections, StatementListener listener, TenantSpec spec,
                                 SQLException refused) {
        Need need = new Need("CONNECT", "the database");
        if (refused.getErrorCode() != 1044) {
            return report(SqlErrors.problem(refused, need, spec, null), 0);
        }
        TenantSpec probe = spec.inSchema(INFORMATION_SCHEMA);
        try (Connection c = connections.open(probe)) {
            SqlExecutor sql = new SqlExecutor(c, listener);
            boolean visible = !sql.query(VISIBLE, rs -> rs.getInt(1), spec.schema().name()).isEmpty();
            if (visible) {
                return report(SqlErrors.problem(refused, need, spec, null), sql.count());
            }
            return report(new Problem(Reason.SchemaMissing, "schema " + spec.schema().quoted() + " does not exist on "
                    + spec.dbHost() + ":" + spec.dbPort() + ", or user '" + spec.user() + "' holds no privilege on "
                    + "it (a server does not show an account the schemas it may not use): check the name, create the "
                    + "schema if it is missing, and grant the privileges of docs/installer.md on it", 1044),
                    sql.count());
        } catch (SQLException e) {
            return report(SqlErrors.problem(refused, need, spec, null), 0);
        }
    }

    private static InstallReport report(Problem problem, int statements) {
        return new InstallReport(List.of(), List.of(problem), List.of(), statements);
    }
}
