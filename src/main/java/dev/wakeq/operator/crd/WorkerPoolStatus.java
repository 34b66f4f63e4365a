package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** The pool's workers as the operator last saw them. */
public class WorkerPoolStatus {

    @JsonPropertyDescription("Ready, Available, Scaling; a False condition's reason says what to fix.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation the conditions describe.")
    private Long observedGeneration;

    @StatusReplicas
    @JsonPropertyDescription("Worker pods the Deployment has.")
    private Integer replicas;

    @JsonPropertyDescription("Worker pods that are ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("Workers the operator's autoscaler wants (scaling.mode Operator); the Scaling "
            + "condition says why.")
    private Integer targetReplicas;

    @JsonPropertyDescription("QueueTenants registered in this pool's tenants Secret.")
    private Integer tenants;

    @LabelSelector
    @JsonPropertyDescription("Label selector of the worker pods (for the scale subresource).")
    private String selector;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public Integer getTargetReplicas() {
        return targetReplicas;
    }

    public void setTargetReplicas(Integer targetReplicas) {
        this.targetReplicas = targetReplicas;
    }

    public Integer getTenants() {
        return tenants;
    }

    public void setTenants(Integer tenants) {
        this.tenants = tenants;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }
}
