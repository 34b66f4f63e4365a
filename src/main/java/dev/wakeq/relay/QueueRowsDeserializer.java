package dev.wakeq.relay;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads only the table id at the start of a write-rows event (v1 as MariaDB writes it, v2 as MySQL 8 does: both
 * start with a 6-byte id) and names the tenants of that table. The rows are never decoded: the event
 * deserializer skips to the end of the event after this returns, so an insert into an unrelated table costs the
 * relay a map look-up, not 20-30 µs per row (measured in ../shared/NOTES.md).
 */
final class QueueRowsDeserializer implements EventDataDeserializer<QueueRows> {

    private static final int TABLE_ID_BYTES = 6;

    private final Map<Long, TableMapEventData> tableMaps;
    private final Supplier<QueueTableIndex> index;

    /**
     * @param tableMaps the table-map events the event deserializer has seen, by table id (shared with it)
     * @param index     the current queue tables
     */
    QueueRowsDeserializer(Map<Long, TableMapEventData> tableMaps, Supplier<QueueTableIndex> index) {
        this.tableMaps = tableMaps;
        this.index = index;
    }

    @Override
    public QueueRows deserialize(ByteArrayInputStream in) throws IOException {
        long tableId = in.readLong(TABLE_ID_BYTES);
        TableMapEventData table = tableMaps.get(tableId);
        if (table == null) {
            // A table map always precedes its rows in the same transaction; none means not one we mapped.
            return QueueRows.OTHER_TABLE;
        }
        List<RelayTenant> tenants = index.get().tenantsOf(table.getDatabase(), table.getTable());
        return tenants.isEmpty() ? QueueRows.OTHER_TABLE : new QueueRows(tenants);
    }
}
