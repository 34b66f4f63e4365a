package dev.wakeq.relay;

import java.util.Objects;

/**
 * The database server a relay reads, and the replication account it reads with (REPLICATION SLAVE and
 * REPLICATION CLIENT; MariaDB calls the second BINLOG MONITOR). Two values are equal only if the password is too:
 * that is how a reload notices rotated credentials.
 */
public record RelayServer(String host, int port, String user, String password) {

    public RelayServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
    }

    /** host:port, what logs and status messages name. */
    public String address() {
        return host + ":" + port;
    }

    /** Replaces the password in a server or driver message, should one ever quote it. */
    String scrub(String message) {
        if (message == null) {
            return "";
        }
        return password.length() >= 3 ? message.replace(password, "***") : message;
    }

    @Override
    public String toString() {
        return "RelayServer[" + address() + ", user=" + user + "]";
    }
}
