package dev.wakeq.relay;

import java.util.List;
import java.util.Objects;

/** What a relay file says: the one server to read and the tenants it hosts. */
public record RelaySetup(RelayServer server, List<RelayTenant> tenants) {

    public RelaySetup {
        Objects.requireNonNull(server, "server");
        tenants = List.copyOf(tenants);
    }
}
