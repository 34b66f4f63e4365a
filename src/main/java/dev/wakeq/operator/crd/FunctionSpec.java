package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The loadable function release, matching a udf-image tag. */
public class FunctionSpec {

    @Default("v1")
    @Pattern("^[a-z0-9_]{1,16}$")
    @JsonPropertyDescription("Function version: the library libwakeq_notify_<version>.so must be in the server's plugin_dir.")
    private String version = "v1";

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }
}
