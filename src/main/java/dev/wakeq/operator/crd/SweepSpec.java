package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The periodic TCP wake-up that catches jobs whose datagram was lost. */
public class SweepSpec {

    @Min(1)
    @Max(1440)
    @Default("5")
    @JsonPropertyDescription("Minutes between sweeps; the longest a job waits when its datagram is lost.")
    private Integer intervalMinutes = 5;

    public Integer getIntervalMinutes() {
        return intervalMinutes;
    }

    public void setIntervalMinutes(Integer intervalMinutes) {
        this.intervalMinutes = intervalMinutes;
    }
}
