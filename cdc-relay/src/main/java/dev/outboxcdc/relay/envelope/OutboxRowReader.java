package dev.outboxcdc.relay.envelope;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads an {@link OutboxRow} from a Debezium change record (Connect format, {@code after} image) or
 * from a JDBC row, with the same conversion rules for both.
 *
 * <p>Never throws for what a row holds: a value it cannot convert (a {@code created_at} of
 * {@code infinity}, a {@code bytea} payload that is not UTF-8, ...) is kept as raw text and the
 * row carries the reason, naming the column, in {@link OutboxRow#conversionProblem()}, so
 * {@link MessageFactory} dead-letters it. Tolerates every column type the outbox table may use: uuid
 * or text ids; jsonb, json, text or bytea payloads; timestamptz, timestamp, date or text
 * {@code created_at}; the optional columns being absent. Stateless and thread-safe.
 */
public final class OutboxRowReader {

    private static final String UUID_TYPE = "io.debezium.data.Uuid";
    private static final String JSON_TYPE = "io.debezium.data.Json";
    private static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    private static final String MILLI_TIMESTAMP = "io.debezium.time.Timestamp";
    private static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    private static final String DATE = "io.debezium.time.Date";

    static final String ID = "id";
    static final String EVENT_ID = "event_id";
    static final String EVENT_TYPE = "event_type";
    static final String PAYLOAD = "payload";
    static final String AGGREGATE_TYPE = "aggregate_type";
    static final String AGGREGATE_ID = "aggregate_id";
    static final String HEADERS = "headers";

    /** The columns a row is read from; Debezium converts only these (others, such as {@code status}, are never read). */
    public static final List<String> COLUMNS =
            List.of(ID, EVENT_ID, EVENT_TYPE, PAYLOAD, CreatedAt.COLUMN, AGGREGATE_TYPE, AGGREGATE_ID, HEADERS);

    private OutboxRowReader() {}

    /** Reads the row of an insert (or snapshot read) record; never throws for the row's content. */
    public static OutboxRow read(SourceRecord record) {
        Struct after;
        long commitTime = System.currentTimeMillis();
        try {
            Struct value = (Struct) record.value();
            after = value.getStruct("after");
            Field sourceField = value.schema().field("source");
            Struct source = sourceField == null ? null : value.getStruct("source");
            if (source != null && source.schema().field("ts_ms") != null && source.get("ts_ms") instanceof Long ts) {
                commitTime = ts;
            }
        } catch (RuntimeException e) {
            return new RowBuilder(commitTime)
                    .problem("the change record cannot be read: " + e.getClass().getSimpleName())
                    .build();
        }
        if (after == null) {
            return new RowBuilder(commitTime)
                    .problem("the change record has no row image")
                    .build();
        }
        return new RowBuilder(commitTime)
                .id(text(after, ID))
                .eventId(text(after, EVENT_ID), isType(after, EVENT_ID, UUID_TYPE))
                .eventType(text(after, EVENT_TYPE))
                .payload(text(after, PAYLOAD), isType(after, PAYLOAD, JSON_TYPE))
                .createdAt(createdAt(after))
                .aggregateType(text(after, AGGREGATE_TYPE))
                .aggregateId(text(after, AGGREGATE_ID))
                .headers(text(after, HEADERS))
                .build();
    }

    /**
     * Reads the current row of a JDBC {@code SELECT *} of the outbox table with the same rules (and the
     * same reasons for the same bad values) as {@link #read(SourceRecord)}. The row has no commit time:
     * {@link OutboxRow#commitTimeMillis()} is the current time. Never throws for the row's content.
     *
     * @throws SQLException when the result set itself fails
     */
    public static OutboxRow read(ResultSet row) throws SQLException {
        return JdbcRowReader.read(row);
    }

    private static ColumnText text(Struct struct, String column) {
        try {
            Field field = struct.schema().field(column);
            return field == null ? ColumnText.NULL : ColumnText.ofValue(column, struct.get(field));
        } catch (RuntimeException e) {
            return ColumnText.bad(
                    null, column + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static boolean isType(Struct struct, String column, String semanticType) {
        Field field = struct.schema().field(column);
        return field != null && semanticType.equals(field.schema().name());
    }

    private static ColumnText createdAt(Struct struct) {
        try {
            Field field = struct.schema().field(CreatedAt.COLUMN);
            Object value = field == null ? null : struct.get(field);
            if (value == null) {
                return ColumnText.NULL;
            }
            Schema schema = field.schema();
            String name = schema.name() == null ? "" : schema.name();
            if (value instanceof String text) {
                return CreatedAt.ofText(
                        text); // io.debezium.time.ZonedTimestamp (timestamptz: ISO or ±infinity) or text
            }
            if (value instanceof Long number) {
                return switch (name) {
                    case MICRO_TIMESTAMP -> CreatedAt.ofEpochMicros(number);
                    case MILLI_TIMESTAMP -> CreatedAt.ofEpochMillis(number);
                    case NANO_TIMESTAMP -> CreatedAt.ofEpochNanos(number);
                    default -> CreatedAt.unsupportedType(describe(schema), number.toString());
                };
            }
            if (value instanceof Integer days && DATE.equals(name)) {
                return CreatedAt.ofEpochDays(days);
            }
            if (value instanceof java.util.Date date) { // time.precision.mode=connect
                return CreatedAt.ofEpochMillis(date.getTime());
            }
            if (value instanceof java.nio.ByteBuffer || value instanceof byte[]) {
                ColumnText text = ColumnText.ofValue(CreatedAt.COLUMN, value);
                return text.problem() != null ? text : CreatedAt.ofText(text.text());
            }
            return CreatedAt.unsupportedType(describe(schema), value.toString());
        } catch (RuntimeException e) {
            return ColumnText.bad(
                    null, CreatedAt.COLUMN + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static String describe(Schema schema) {
        return schema.name() == null ? schema.type().toString() : schema.type() + " (" + schema.name() + ")";
    }
}
