package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** The loadable function release, matching a udf-image tag. */
public class FunctionSpec {

    @Pattern("^[a-z0-9_]{1,16}$")
    @JsonPropertyDescription("Pins the function version: the library libwakeq_notify_<version>.so must be in the "
            + "server's plugin_dir. Unset (the usual case): the operator's version, the Helm chart's udf.image.tag, "
            + "so that one change of that tag moves every tenant that does not pin one.")
    private String version;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }
}
