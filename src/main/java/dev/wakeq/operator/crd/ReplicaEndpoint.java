package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A replica of the tenant's database server, which the operator checks for the function (read only). */
public class ReplicaEndpoint {

    @Required
    @Pattern("^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$")
    @JsonPropertyDescription("Host name or IP address of the replica.")
    private String host;

    @Min(1)
    @Max(65535)
    @Default("3306")
    @JsonPropertyDescription("TCP port of the replica.")
    private Integer port = 3306;

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
}
