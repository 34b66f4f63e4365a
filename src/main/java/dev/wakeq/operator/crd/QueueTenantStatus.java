package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator found and did in the tenant database. Never holds credentials or the tenant key. */
public class QueueTenantStatus {

    @JsonPropertyDescription("Ready, DatabaseReachable, FunctionInstalled, TriggerInstalled, EventInstalled, "
            + "RegisteredWithPool (Trigger source); RelayConnected, QueueTableReady, TriggerRemoved (Binlog source); a False "
            + "condition's reason says what to fix.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation the conditions describe.")
    private Long observedGeneration;

    @JsonPropertyDescription("The function version the trigger and event call now.")
    private String installedFunctionVersion;

    @JsonPropertyDescription("Address (ip:port) the trigger and event send wake-ups to.")
    private String wakeTarget;

    @JsonPropertyDescription("The wake source announcing inserts now (Trigger or Binlog). During a switch it is the "
            + "old source until the new one is in place.")
    private String wakeSource;

    @JsonPropertyDescription("When a worker last reported a wake-up for this tenant (RFC 3339).")
    private String lastWakeSeen;

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

    public String getInstalledFunctionVersion() {
        return installedFunctionVersion;
    }

    public void setInstalledFunctionVersion(String installedFunctionVersion) {
        this.installedFunctionVersion = installedFunctionVersion;
    }

    public String getWakeTarget() {
        return wakeTarget;
    }

    public void setWakeTarget(String wakeTarget) {
        this.wakeTarget = wakeTarget;
    }

    public String getLastWakeSeen() {
        return lastWakeSeen;
    }

    public void setLastWakeSeen(String lastWakeSeen) {
        this.lastWakeSeen = lastWakeSeen;
    }

    public String getWakeSource() {
        return wakeSource;
    }

    public void setWakeSource(String wakeSource) {
        this.wakeSource = wakeSource;
    }
}
