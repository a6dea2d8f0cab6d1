package dev.outboxcdc.relay.envelope;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads an {@link OutboxRow} from a JDBC row of {@code SELECT *} by the rules of {@link OutboxRowReader}. */
final class JdbcRowReader {

    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar", "name", "citext");

    private JdbcRowReader() {}

    static OutboxRow read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Integer> columns = new HashMap<>();
        for (int i = meta.getColumnCount(); i >= 1; i--) {
            columns.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
        }
        return new RowBuilder(System.currentTimeMillis())
                .id(text(rs, columns, OutboxRowReader.ID))
                .eventId(
                        text(rs, columns, OutboxRowReader.EVENT_ID),
                        "uuid".equals(type(meta, columns, OutboxRowReader.EVENT_ID)))
                .eventType(text(rs, columns, OutboxRowReader.EVENT_TYPE))
                .payload(
                        text(rs, columns, OutboxRowReader.PAYLOAD),
                        Set.of("json", "jsonb").contains(type(meta, columns, OutboxRowReader.PAYLOAD)))
                .createdAt(createdAt(rs, meta, columns))
                .aggregateType(text(rs, columns, OutboxRowReader.AGGREGATE_TYPE))
                .aggregateId(text(rs, columns, OutboxRowReader.AGGREGATE_ID))
                .headers(text(rs, columns, OutboxRowReader.HEADERS))
                .build();
    }

    private static String type(ResultSetMetaData meta, Map<String, Integer> columns, String column)
            throws SQLException {
        Integer index = columns.get(column);
        return index == null ? null : meta.getColumnTypeName(index).toLowerCase(Locale.ROOT);
    }

    private static ColumnText text(ResultSet rs, Map<String, Integer> columns, String column) throws SQLException {
        Integer index = columns.get(column);
        if (index == null) {
            return ColumnText.NULL;
        }
        String type = rs.getMetaData().getColumnTypeName(index).toLowerCase(Locale.ROOT);
        Object value = switch (type) {
            case "bytea" -> rs.getBytes(index);
            case "bool" -> rs.getObject(index);
            default -> rs.getString(index);
        };
        return ColumnText.ofValue(column, value);
    }

    /** Debezium delivers {@code timestamp(0..3)} in milliseconds, longer ones in microseconds. */
    private static ColumnText timestamp(java.time.Instant instant, String text, int fractionDigits) {
        return fractionDigits <= 3 ? CreatedAt.ofInstant(instant, text) : CreatedAt.ofMicroTimestamp(instant, text);
    }

    private static ColumnText createdAt(ResultSet rs, ResultSetMetaData meta, Map<String, Integer> columns)
            throws SQLException {
        Integer index = columns.get(CreatedAt.COLUMN);
        if (index == null) {
            return ColumnText.NULL;
        }
        String type = meta.getColumnTypeName(index).toLowerCase(Locale.ROOT);
        if (type.equals("bytea")) {
            ColumnText text = ColumnText.ofValue(CreatedAt.COLUMN, rs.getBytes(index));
            return text.problem() != null ? text : CreatedAt.ofText(text.text());
        }
        String text = rs.getString(index);
        if (text == null) {
            return ColumnText.NULL;
        }
        if (TEXT_TYPES.contains(type)) {
            return CreatedAt.ofText(text);
        }
        if (!Set.of("timestamptz", "timestamp", "date").contains(type)) {
            return CreatedAt.unsupportedType(type, text);
        }
        if (CreatedAt.isInfinity(text)) {
            return CreatedAt.infinity(text.strip());
        }
        try {
            return switch (type) {
                case "timestamptz" ->
                    CreatedAt.ofInstant(
                            rs.getObject(index, OffsetDateTime.class).toInstant(), text);
                case "timestamp" ->
                    timestamp(
                            rs.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            text,
                            meta.getScale(index));
                default -> CreatedAt.ofDate(rs.getObject(index, LocalDate.class));
            };
        } catch (SQLException | RuntimeException e) {
            return ColumnText.bad(text, CreatedAt.COLUMN + " " + ColumnText.quote(text) + " cannot be read as " + type);
        }
    }
}
