package dev.wakeq.relay;

import com.github.shyiko.mysql.binlog.event.EventData;
import java.util.List;

/**
 * What the relay keeps of a write-rows event: the tenants whose queue table got the rows, never the rows. Empty
 * for every other table.
 */
record QueueRows(List<RelayTenant> tenants) implements EventData {

    static final QueueRows OTHER_TABLE = new QueueRows(List.of());

    QueueRows {
        tenants = List.copyOf(tenants);
    }
}
