package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The wake-up endpoint of the pool. */
public class WakeSpec {

    @Min(1)
    @Max(65535)
    @Default("8686")
    @JsonPropertyDescription("UDP and TCP port workers listen on and the Service exposes.")
    private Integer port = 8686;

    @Pattern("^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]+)$")
    @JsonPropertyDescription("IP address databases outside the cluster send wake-ups to (e.g. a LoadBalancer "
            + "IP). Default: the pool Service's cluster IP. Must be an IP: the function never resolves names.")
    private String advertisedAddress;

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getAdvertisedAddress() {
        return advertisedAddress;
    }

    public void setAdvertisedAddress(String advertisedAddress) {
        this.advertisedAddress = advertisedAddress;
    }
}
