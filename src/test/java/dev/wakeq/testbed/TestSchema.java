package dev.wakeq.testbed;

import java.sql.Connection;
import java.sql.SQLException;

/** A schema created for one test on one {@link DbServer}. */
public record TestSchema(DbServer server, String name) {

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public Connection root() throws SQLException {
        return server.rootConnection(name);
    }

    public Connection operator() throws SQLException {
        return server.operatorConnection(name);
    }

    public Connection worker() throws SQLException {
        return server.workerConnection(name);
    }

    @Override
    public String toString() {
        return server.name() + "/" + name;
    }
}
