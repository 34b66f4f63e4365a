package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The tenant database's address and the Secret holding its credentials. */
public class DatabaseSpec {

    @Required
    @Pattern("^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$")
    @JsonPropertyDescription("Host name or IP address of the MySQL or MariaDB server.")
    private String host;

    @Min(1)
    @Max(65535)
    @Default("3306")
    @JsonPropertyDescription("TCP port of the database server.")
    private Integer port = 3306;

    @Required
    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
    @JsonPropertyDescription("The tenant's schema (database) name: letters, digits, '_' and '-', at most 64.")
    private String schema;

    @Required
    @JsonPropertyDescription("The Secret (same namespace) with the operator's database user name and password.")
    private CredentialsReference credentials;

    @JsonPropertyDescription("The Secret with the workers' database user name and password (needs SELECT, "
            + "INSERT, UPDATE, DELETE on the queue tables). Default: the credentials above.")
    private CredentialsReference workerCredentials;

    @JsonPropertyDescription("Replicas of this server that may become the tenant's server in a failover. The operator "
            + "connects to each with the same credentials and schema, reads only, and reports in condition "
            + "ReplicasReady whether each lists the tenant's function with its library loaded: a server missing the "
            + "library gets no wake-ups after a failover (docs/operations.md).")
    private List<ReplicaEndpoint> replicas = new ArrayList<>();

    public List<ReplicaEndpoint> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<ReplicaEndpoint> replicas) {
        this.replicas = replicas;
    }

    public CredentialsReference getWorkerCredentials() {
        return workerCredentials;
    }

    public void setWorkerCredentials(CredentialsReference workerCredentials) {
        this.workerCredentials = workerCredentials;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public CredentialsReference getCredentials() {
        return credentials;
    }

    public void setCredentials(CredentialsReference credentials) {
        this.credentials = credentials;
    }
}
