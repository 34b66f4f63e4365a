package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The queue table in the tenant schema. */
public class QueueSpec {

    @Default("_queue")
    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
    @JsonPropertyDescription("Name of the queue table the BEFORE INSERT trigger is installed on.")
    private String table = "_queue";

    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
    @JsonPropertyDescription("Name of the dead-letter table; defaults to '<table>_dead'.")
    private String deadLetterTable;

    @Default("false")
    @JsonPropertyDescription("Create the queue and dead-letter tables with wakeq's default schema when missing.")
    private Boolean create = false;

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getDeadLetterTable() {
        return deadLetterTable;
    }

    public void setDeadLetterTable(String deadLetterTable) {
        this.deadLetterTable = deadLetterTable;
    }

    public Boolean getCreate() {
        return create;
    }

    public void setCreate(Boolean create) {
        this.create = create;
    }
}
