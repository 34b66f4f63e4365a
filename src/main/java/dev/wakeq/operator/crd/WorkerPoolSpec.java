package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** How many workers of which image serve the pool's tenants, and how they handle jobs. */
public class WorkerPoolSpec {

    @Required
    @JsonPropertyDescription("Worker container image; changing it rolls the workers with no gap.")
    private String image;

    @SpecReplicas
    @Min(0)
    @JsonPropertyDescription("Desired replicas. Set by the scale subresource (HPA, KEDA, kubectl scale) when "
            + "scaling.mode is External; ignored otherwise.")
    private Integer replicas;

    @Min(0)
    @Max(1000)
    @Default("1")
    @JsonPropertyDescription("Fewest workers. 0 lets an idle pool run no worker pods: the pool then gets a small "
            + "always-on receiver that holds wake-ups and has the operator start a worker for them.")
    private Integer minReplicas = 1;

    @Min(1)
    @Max(1000)
    @Default("10")
    @JsonPropertyDescription("Most workers.")
    private Integer maxReplicas = 10;

    @Min(1)
    @Max(86400)
    @Default("10")
    @JsonPropertyDescription("Seconds a tenant's queue must stay empty before its worker stops polling it. "
            + "Must outlast the p99 of the tenants' inserting transactions.")
    private Integer idleTimeoutSeconds = 10;

    @Min(0)
    @Max(5000)
    @Default("250")
    @JsonPropertyDescription("Microseconds between a worker's quick claim queries after a wake-up, until the new row "
            + "has committed (the trigger fires before the commit). Shorter: lower latency, more queries on busy "
            + "tenants. At most 5000 (the worker's minimum poll interval).")
    private Integer commitPollMicros = 250;

    @JsonPropertyDescription("Compute resources of each worker container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("What workers do with a job.")
    private HandlerSpec handler = new HandlerSpec();

    @JsonPropertyDescription("Where workers receive wake-ups.")
    private WakeSpec wake = new WakeSpec();

    @JsonPropertyDescription("Who decides the replica count.")
    private ScalingSpec scaling = new ScalingSpec();

    public Integer getCommitPollMicros() {
        return commitPollMicros;
    }

    public void setCommitPollMicros(Integer commitPollMicros) {
        this.commitPollMicros = commitPollMicros;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getMinReplicas() {
        return minReplicas;
    }

    public void setMinReplicas(Integer minReplicas) {
        this.minReplicas = minReplicas;
    }

    public Integer getMaxReplicas() {
        return maxReplicas;
    }

    public void setMaxReplicas(Integer maxReplicas) {
        this.maxReplicas = maxReplicas;
    }

    public Integer getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    public void setIdleTimeoutSeconds(Integer idleTimeoutSeconds) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public HandlerSpec getHandler() {
        return handler;
    }

    public void setHandler(HandlerSpec handler) {
        this.handler = handler;
    }

    public WakeSpec getWake() {
        return wake;
    }

    public void setWake(WakeSpec wake) {
        this.wake = wake;
    }

    public ScalingSpec getScaling() {
        return scaling;
    }

    public void setScaling(ScalingSpec scaling) {
        this.scaling = scaling;
    }
}
