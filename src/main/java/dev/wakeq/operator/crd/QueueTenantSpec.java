package dev.wakeq.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** What a tenant database is and which pool serves it. */
public class QueueTenantSpec {

    @Required
    @JsonPropertyDescription("Where the tenant database is and how to log in to it.")
    private DatabaseSpec database;

    @JsonPropertyDescription("The queue table the trigger watches.")
    private QueueSpec queue = new QueueSpec();

    @Required
    @JsonPropertyDescription("The WorkerPool (same namespace) whose workers serve this tenant.")
    private PoolReference pool;

    @JsonPropertyDescription("The safety-net sweep: a TCP wake-up sent by a MySQL EVENT.")
    private SweepSpec sweep = new SweepSpec();

    @JsonPropertyDescription("The loadable function version the trigger and event call; usually left to the "
            + "operator (the chart's udf.image.tag).")
    private FunctionSpec function = new FunctionSpec();

    @JsonPropertyDescription("Who announces inserts: the trigger (default) or the binary-log relay (docs/relay.md).")
    private TenantWakeSpec wake = new TenantWakeSpec();

    public TenantWakeSpec getWake() {
        return wake;
    }

    public void setWake(TenantWakeSpec wake) {
        this.wake = wake;
    }

    public DatabaseSpec getDatabase() {
        return database;
    }

    public void setDatabase(DatabaseSpec database) {
        this.database = database;
    }

    public QueueSpec getQueue() {
        return queue;
    }

    public void setQueue(QueueSpec queue) {
        this.queue = queue;
    }

    public PoolReference getPool() {
        return pool;
    }

    public void setPool(PoolReference pool) {
        this.pool = pool;
    }

    public SweepSpec getSweep() {
        return sweep;
    }

    public void setSweep(SweepSpec sweep) {
        this.sweep = sweep;
    }

    public FunctionSpec getFunction() {
        return function;
    }

    public void setFunction(FunctionSpec function) {
        this.function = function;
    }
}
