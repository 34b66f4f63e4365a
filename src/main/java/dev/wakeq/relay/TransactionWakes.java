package dev.wakeq.relay;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Collects the tenants a transaction wrote queue rows for and wakes each once when the transaction ends: an XID
 * event (InnoDB commit) or a query event (COMMIT, or ROLLBACK of rows written to a non-transactional table, which
 * stay written). A rolled-back InnoDB transaction writes nothing to the binary log, so it wakes nobody; a
 * 10,000-row INSERT arrives as some 64 write-rows events and wakes once. Runs on the client's thread only.
 */
final class TransactionWakes implements BinaryLogClient.EventListener {

    private final Set<RelayTenant> touched = new LinkedHashSet<>();
    private final Consumer<RelayTenant> wake;
    private final RelayMetrics metrics;

    TransactionWakes(Consumer<RelayTenant> wake, RelayMetrics metrics) {
        this.wake = wake;
        this.metrics = metrics;
    }

    @Override
    public void onEvent(Event event) {
        EventType type = event.getHeader().getEventType();
        switch (type) {
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                if (event.getData() instanceof QueueRows rows && !rows.tenants().isEmpty()) {
                    touched.addAll(rows.tenants());
                    metrics.queueRowsEvent();
                } else {
                    metrics.otherRowsEvent();
                }
            }
            case XID, QUERY -> flush();
            default -> {
                // Table maps, GTIDs, heartbeats, updates, deletes: nothing to announce.
            }
        }
    }

    /** A stream that broke mid-transaction: its rows may never commit; the sweep at reconnect covers the rest. */
    void discard() {
        touched.clear();
    }

    private void flush() {
        if (touched.isEmpty()) {
            return;
        }
        for (RelayTenant t : touched) {
            wake.accept(t);
        }
        touched.clear();
    }
}
