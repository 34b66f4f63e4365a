package dev.wakeq.relay;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the event deserializer a relay's client uses: format description and rotate (the client needs them to
 * follow the stream), table maps (to name a table), and write-rows events through {@link QueueRowsDeserializer}.
 * Every other event type, updates and deletes included, keeps only its header.
 */
final class RelayEventDeserializer {

    /** Table maps kept: a transaction names each table it writes again, so this only needs the live ones. */
    private static final int TABLE_MAPS_KEPT = 10_000;

    private RelayEventDeserializer() {
    }

    static EventDeserializer create(Supplier<QueueTableIndex> index) {
        Map<Long, TableMapEventData> tableMaps = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, TableMapEventData> eldest) {
                return size() > TABLE_MAPS_KEPT;
            }
        };
        Map<EventType, EventDataDeserializer> byType = new EnumMap<>(EventType.class);
        byType.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
        byType.put(EventType.ROTATE, new RotateEventDataDeserializer());
        byType.put(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
        QueueRowsDeserializer rows = new QueueRowsDeserializer(tableMaps, index);
        byType.put(EventType.WRITE_ROWS, rows);
        byType.put(EventType.EXT_WRITE_ROWS, rows);
        return new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(), byType,
                tableMaps);
    }
}
