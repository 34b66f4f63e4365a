package dev.wakeq.install;

import java.util.List;

/**
 * Sees every statement the installer sends, with its bind parameters, before it runs. Used by tests to check
 * what is asked of the server and by the operator to count statements per reconcile. Never sees the password
 * (credentials travel in the connection handshake, not in statements).
 */
@FunctionalInterface
public interface StatementListener {

    StatementListener NONE = (sql, params) -> { };

    void onStatement(String sql, List<Object> params);
}
