package dev.outboxcdc.relay.envelope;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads an {@link OutboxRow} from a Debezium change record (Connect format, {@code after} image).
 * Tolerates every column type the outbox table may use: uuid or text ids, jsonb, json or text
 * payloads, timestamptz or timestamp {@code created_at}, and the optional columns being absent.
 */
public final class OutboxRowReader {

    private static final String UUID_TYPE = "io.debezium.data.Uuid";
    private static final String JSON_TYPE = "io.debezium.data.Json";
    private static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    private static final String MILLI_TIMESTAMP = "io.debezium.time.Timestamp";
    private static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";

    private OutboxRowReader() {
    }

    /** Reads the row of an insert (or snapshot read) record. */
    public static OutboxRow read(SourceRecord record) {
        Struct value = (Struct) record.value();
        Struct after = value.getStruct("after");
        Struct source = value.getStruct("source");
        long commitTime = source != null && source.get("ts_ms") != null ? source.getInt64("ts_ms") : System.currentTimeMillis();
        return new OutboxRow(
                text(after, "id"),
                text(after, "event_id"),
                isType(after, "event_id", UUID_TYPE),
                text(after, "event_type"),
                text(after, "payload"),
                isType(after, "payload", JSON_TYPE),
                instant(after, "created_at"),
                text(after, "aggregate_type"),
                text(after, "aggregate_id"),
                text(after, "headers"),
                commitTime);
    }

    private static String text(Struct struct, String column) {
        Field field = struct.schema().field(column);
        if (field == null) {
            return null;
        }
        Object value = struct.get(field);
        return value == null ? null : value.toString();
    }

    private static boolean isType(Struct struct, String column, String semanticType) {
        Field field = struct.schema().field(column);
        return field != null && semanticType.equals(field.schema().name());
    }

    private static String instant(Struct struct, String column) {
        Field field = struct.schema().field(column);
        if (field == null) {
            return null;
        }
        Object value = struct.get(field);
        if (value == null) {
            return null;
        }
        Schema schema = field.schema();
        if (value instanceof String text) {
            // io.debezium.time.ZonedTimestamp: ISO-8601 with offset, UTC ("...Z") for timestamptz.
            return text.endsWith("Z") ? text : OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        }
        if (value instanceof Long number) {
            // timestamp without time zone: the wall-clock value, read as UTC.
            return switch (schema.name() == null ? "" : schema.name()) {
                case MICRO_TIMESTAMP -> Instant.EPOCH.plusNanos(Math.multiplyExact(number, 1_000L)).toString();
                case NANO_TIMESTAMP -> Instant.EPOCH.plusNanos(number).toString();
                case MILLI_TIMESTAMP -> Instant.ofEpochMilli(number).toString();
                default -> null;
            };
        }
        return null;
    }
}
