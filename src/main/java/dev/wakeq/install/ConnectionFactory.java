package dev.wakeq.install;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** Opens the installer's connection to a tenant database. The operator may supply its own (pooling, TLS). */
@FunctionalInterface
public interface ConnectionFactory {

    Connection open(TenantSpec spec) throws SQLException;

    /**
     * Plain Connector/J. The password is passed as a property, never in the URL, so it cannot leak through a URL
     * in a log or an exception. {@code extraProperties} are Connector/J settings such as {@code sslMode}.
     */
    static ConnectionFactory jdbc(Map<String, String> extraProperties) {
        Map<String, String> extra = Map.copyOf(extraProperties);
        return spec -> {
            Properties props = new Properties();
            props.setProperty("connectTimeout", "5000");
            props.setProperty("socketTimeout", "60000");
            props.putAll(extra);
            props.setProperty("user", spec.user());
            props.setProperty("password", spec.password());
            String url = "jdbc:mysql://" + spec.dbHost() + ":" + spec.dbPort() + "/" + spec.schema().name();
            return DriverManager.getConnection(url, props);
        };
    }
}
