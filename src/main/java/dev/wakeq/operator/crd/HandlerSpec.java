package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The job handler workers run. */
public class HandlerSpec {

    public enum Type { Log, Http }

    @Default("Log")
    @JsonPropertyDescription("Log: log each job (for trials). Http: POST each job as JSON to url; 2xx means done.")
    private Type type = Type.Log;

    @Pattern("^https?://.+$")
    @JsonPropertyDescription("Endpoint for the Http handler.")
    private String url;

    @Min(1)
    @Max(3600)
    @Default("30")
    @JsonPropertyDescription("Seconds the Http handler waits for a response before the attempt counts as failed.")
    private Integer timeoutSeconds = 30;

    @Min(2)
    @Max(86400)
    @JsonPropertyDescription("Seconds a claimed job stays claimed; a job whose worker died is claimed again after it. "
            + "Must be above timeoutSeconds, or workers refuse to start (a job still running when its lease ends can "
            + "run twice at once). Unset: 60, or timeoutSeconds + 30 when that is more.")
    private Integer leaseSeconds;

    @Min(1)
    @Max(100)
    @Default("5")
    @JsonPropertyDescription("Attempts before a job moves to the dead-letter table.")
    private Integer maxAttempts = 5;

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getLeaseSeconds() {
        return leaseSeconds;
    }

    public void setLeaseSeconds(Integer leaseSeconds) {
        this.leaseSeconds = leaseSeconds;
    }

    /** The lease workers use: {@link #getLeaseSeconds()}, else 60 s or the timeout plus 30 s, whichever is more. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int effectiveLeaseSeconds() {
        if (leaseSeconds != null) {
            return leaseSeconds;
        }
        return Math.max(60, (timeoutSeconds == null ? 30 : timeoutSeconds) + 30);
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }
}
