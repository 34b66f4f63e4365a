package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Who sets the replica count. */
public class ScalingSpec {

    public enum Mode { Operator, External }

    @Default("Operator")
    @JsonPropertyDescription("Operator: wakeq scales between minReplicas and maxReplicas from worker load. "
            + "External: spec.replicas (the scale subresource) decides, e.g. for HPA or KEDA.")
    private Mode mode = Mode.Operator;

    @Min(0)
    @Max(3600)
    @Default("300")
    @JsonPropertyDescription("Seconds load must stay low before the operator removes a worker.")
    private Integer scaleDownStabilizationSeconds = 300;

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Integer getScaleDownStabilizationSeconds() {
        return scaleDownStabilizationSeconds;
    }

    public void setScaleDownStabilizationSeconds(Integer scaleDownStabilizationSeconds) {
        this.scaleDownStabilizationSeconds = scaleDownStabilizationSeconds;
    }
}
