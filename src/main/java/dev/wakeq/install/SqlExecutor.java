package dev.wakeq.install;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The only way installer code talks to the database: one connection, every statement announced to a
 * {@link StatementListener} and counted. Queries take bind parameters; DDL cannot, so its identifiers come from
 * {@code SqlIdentifier} and its literals from validated spec fields.
 */
final class SqlExecutor {

    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final StatementListener listener;
    private int count;

    SqlExecutor(Connection connection, StatementListener listener) {
        this.connection = connection;
        this.listener = listener;
    }

    void execute(String sql) throws SQLException {
        announce(sql, List.of());
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** A data change with bind parameters; returns the rows it changed. */
    int update(String sql, Object... params) throws SQLException {
        announce(sql, Arrays.asList(params));
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        announce(sql, Arrays.asList(params));
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    /** Statements sent so far on this executor. */
    int count() {
        return count;
    }

    private void announce(String sql, List<Object> params) {
        count++;
        listener.onStatement(sql, List.copyOf(params));
    }
}
