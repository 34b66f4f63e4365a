package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Who announces the tenant's inserts to its pool: the trigger and its function, or the binary-log relay. */
public class TenantWakeSpec {

    /** The two wake sources; the names are what the spec and status say. */
    public enum Source {
        Trigger, Binlog
    }

    @Default("Trigger")
    @JsonPropertyDescription("Trigger (default): a trigger calls the loadable function, and an EVENT sweeps. Binlog: "
            + "the operator's relay for this database server reads its binary log and sends the wake-ups; no "
            + "function, trigger or event is installed (the server needs log_bin and binlog_format=ROW). Switching "
            + "either way swaps with no window: the new source announces inserts before the old one stops.")
    private Source source = Source.Trigger;

    @JsonPropertyDescription("Binlog only: the Secret (same namespace) with the relay's replication account "
            + "(REPLICATION SLAVE and REPLICATION CLIENT on *.*; MariaDB: BINLOG MONITOR). Default: "
            + "spec.database.credentials. Binlog tenants of one server that name the same Secret share one relay "
            + "and one replication connection.")
    private CredentialsReference relayCredentials;

    public Source getSource() {
        return source;
    }

    public void setSource(Source source) {
        this.source = source;
    }

    public CredentialsReference getRelayCredentials() {
        return relayCredentials;
    }

    public void setRelayCredentials(CredentialsReference relayCredentials) {
        this.relayCredentials = relayCredentials;
    }
}
