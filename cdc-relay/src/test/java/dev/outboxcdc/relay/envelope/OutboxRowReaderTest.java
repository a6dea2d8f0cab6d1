package dev.outboxcdc.relay.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values as Debezium 3.6.3 delivers them for each column type (measured against PostgreSQL 15 with pgoutput). */
class OutboxRowReaderTest {

    private static final String ID = "6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";

    @ParameterizedTest(name = "timestamptz {0}")
    @CsvSource({
        "2025-12-05T01:02:03.456789Z, 2025-12-05T01:02:03.456789Z",
        "2025-12-04T19:32:03.000000Z, 2025-12-04T19:32:03.000000Z",
        "-0043-03-15T12:00:00.000000Z, -0043-03-15T12:00:00.000000Z",
        "+10000-01-01T00:00:00.000000Z, +10000-01-01T00:00:00.000000Z",
        "+294276-12-31T23:59:59.999999Z, +294276-12-31T23:59:59.999999Z",
    })
    void readsTimestamptzAsAnIsoInstant(String delivered, String expected) {
        OutboxRow row =
                read(io.debezium.time.ZonedTimestamp.builder().optional().build(), delivered);

        assertThat(row.conversionProblem()).isNull();
        assertThat(row.createdAt()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"infinity", "-infinity"})
    void keepsAnInfiniteTimestamptzAsTextWithTheReason(String infinity) {
        OutboxRow row =
                read(io.debezium.time.ZonedTimestamp.builder().optional().build(), infinity);

        assertThat(row.conversionProblem())
                .isEqualTo("created_at '" + infinity + "' cannot be represented as an ISO-8601 instant");
        assertThat(row.createdAt()).isEqualTo(infinity);
    }

    @ParameterizedTest(name = "{0} µs")
    @CsvSource({
        "1764896523456789, 2025-12-05T01:02:03.456789Z",
        "10413792000000000, 2300-01-01T00:00:00.000000Z",
        "-63517780800000000, -0043-03-15T12:00:00.000000Z",
        "253402300800000000, +10000-01-01T00:00:00.000000Z",
    })
    void readsTimestampWithoutTimeZoneAsUtc(long micros, String expected) {
        OutboxRow row =
                read(io.debezium.time.MicroTimestamp.builder().optional().build(), micros);

        assertThat(row.conversionProblem()).isNull();
        assertThat(row.createdAt()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "9223372036825200000, 'created_at ''infinity'' cannot be represented as an ISO-8601 instant'",
        "-9223372036832400000, 'created_at ''-infinity'' cannot be represented as an ISO-8601 instant'",
        "-9223372036853775810, 'created_at timestamp after +294247-01-10T04:00:54.775807Z overflows Debezium''s microseconds"
                + " and cannot be represented as an ISO-8601 instant'",
    })
    void deadLettersInfiniteAndOverflowedTimestampsWithoutTimeZone(long micros, String reason) {
        OutboxRow row =
                read(io.debezium.time.MicroTimestamp.builder().optional().build(), micros);

        assertThat(row.conversionProblem()).isEqualTo(reason);
        assertThat(new MessageFactory("x", 1 << 20).toMessage(row).deadLetterReason())
                .isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0} ms")
    @CsvSource({
        "9223372036825200, infinity",
        "-9223372036832400, -infinity",
    })
    void readsInfiniteMillisecondTimestamps(long millis, String infinity) {
        OutboxRow row = read(io.debezium.time.Timestamp.builder().optional().build(), millis);

        assertThat(row.conversionProblem())
                .isEqualTo("created_at '" + infinity + "' cannot be represented as an ISO-8601 instant");
        assertThat(read(io.debezium.time.Timestamp.builder().optional().build(), 1764896523456L)
                        .createdAt())
                .isEqualTo("2025-12-05T01:02:03.456000Z");
    }

    @ParameterizedTest(name = "{0} days")
    @CsvSource({
        "20427, 2025-12-05T00:00:00.000000Z,",
        "-2440550, -4712-01-01T00:00:00.000000Z,",
        "2145042905, +5874897-12-31T00:00:00.000000Z,",
        "-2147472692, infinity, 'created_at ''infinity'' cannot be represented as an ISO-8601 instant'",
        "-2147472691, -infinity, 'created_at ''-infinity'' cannot be represented as an ISO-8601 instant'",
        "-2147483648, -2147483648 days since the epoch, 'created_at date value -2147483648 days since the epoch is outside"
                + " PostgreSQL''s range (Debezium could not represent it) and cannot be represented as an ISO-8601 instant'",
    })
    void readsADateAsMidnightUtc(int days, String createdAt, String reason) {
        OutboxRow row = read(io.debezium.time.Date.builder().optional().build(), days);

        assertThat(row.createdAt()).isEqualTo(createdAt);
        assertThat(row.conversionProblem()).isEqualTo(reason);
    }

    @ParameterizedTest(name = "text {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "2025-12-05T01:02:03.456789Z|2025-12-05T01:02:03.456789Z|",
                "2025-12-05T01:02:03Z|2025-12-05T01:02:03.000000Z|",
                "2025-12-05T03:02:03.5+02:00|2025-12-05T01:02:03.500000Z|",
                "Infinity|Infinity|created_at 'Infinity' cannot be represented as an ISO-8601 instant",
                "yesterday|yesterday|created_at 'yesterday' is not an ISO-8601 instant",
                "+999999999-12-31T23:59:59Z|+999999999-12-31T23:59:59Z|created_at '+999999999-12-31T23:59:59Z' is outside the range"
                        + " of an AMQP timestamp (epoch milliseconds in 64 bits)",
            })
    void readsATextCreatedAtHoldingAnIsoInstant(String text, String createdAt, String reason) {
        OutboxRow row = read(Schema.OPTIONAL_STRING_SCHEMA, text);

        assertThat(row.createdAt()).isEqualTo(createdAt);
        assertThat(row.conversionProblem()).isEqualTo(reason);
    }

    @Test
    void namesACreatedAtTypeThatHoldsNoPointInTime() {
        OutboxRow row = read(Schema.OPTIONAL_INT32_SCHEMA, 42);

        assertThat(row.conversionProblem()).isEqualTo("created_at of type INT32 is not a date or timestamp");
        assertThat(row.createdAt()).isEqualTo("42");
    }

    @Test
    void decodesAByteaPayloadStrictlyAsUtf8() {
        byte[] json = "{\"name\": \"Zoë\"}".getBytes(StandardCharsets.UTF_8);
        OutboxRow row = readPayload(Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(json));

        assertThat(row.conversionProblem()).isNull();
        assertThat(row.payload()).isEqualTo("{\"name\": \"Zoë\"}");
        assertThat(row.payloadIsJson())
                .as("bytea guarantees nothing about JSON")
                .isFalse();
        OutboxMessage message = new MessageFactory("x", 1 << 20).toMessage(row);
        assertThat(message.isDeadLetter()).isFalse();
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).endsWith("\"data\":{\"name\": \"Zoë\"}}");
    }

    @Test
    void deadLettersAByteaPayloadThatIsNotUtf8WithItsHexText() {
        OutboxRow row = readPayload(
                Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {'{', '"', (byte) 0xC3, '"', '}'}));

        assertThat(row.conversionProblem())
                .isEqualTo("payload bytea is not valid UTF-8 (invalid byte 0xc3 at offset 2)");
        assertThat(row.payload()).isEqualTo("\\x7b22c3227d");
        OutboxMessage message = new MessageFactory("x", 1 << 20).toMessage(row);
        assertThat(message.deadLetterReason()).isEqualTo(row.conversionProblem());
    }

    @Test
    void keepsNoMoreHexOfALargeBadByteaPayloadThanTheDeadLetterShows() throws Exception {
        byte[] latin1 = new byte[1 << 20];
        java.util.Arrays.fill(latin1, (byte) 0xE9);
        OutboxRow row = readPayload(Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(latin1));

        assertThat(row.payload().length())
                .isBetween(DeadLetters.DEAD_LETTER_PAYLOAD_CHARS + 1, DeadLetters.DEAD_LETTER_PAYLOAD_CHARS + 4);
        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(new MessageFactory("x", 1 << 20).toMessage(row).body());
        assertThat(body.get("payload").textValue())
                .startsWith("\\xe9e9")
                .hasSize(DeadLetters.DEAD_LETTER_PAYLOAD_CHARS);
        assertThat(body.get("payload_truncated").booleanValue()).isTrue();
    }

    @Test
    void readsAByteaPayloadFromAnOffsetInItsBuffer() {
        ByteBuffer buffer = ByteBuffer.wrap("xx[1]yy".getBytes(StandardCharsets.UTF_8), 2, 3)
                .slice();

        assertThat(readPayload(Schema.OPTIONAL_BYTES_SCHEMA, buffer).payload()).isEqualTo("[1]");
        assertThat(readPayload(Schema.OPTIONAL_BYTES_SCHEMA, "[2]".getBytes(StandardCharsets.UTF_8))
                        .payload())
                .isEqualTo("[2]");
    }

    @Test
    void trustsJsonAndUuidTypesOnlyWhenTheColumnHasThem() {
        OutboxRow typed = readPayload(io.debezium.data.Json.builder().optional().build(), "{\"a\": 1}");
        OutboxRow text = readPayload(Schema.OPTIONAL_STRING_SCHEMA, "{\"a\": 1}");

        assertThat(typed.payloadIsJson()).isTrue();
        assertThat(typed.eventIdIsUuid()).isTrue();
        assertThat(text.payloadIsJson()).isFalse();
    }

    @Test
    void neverThrowsForARecordThatIsNotAChangeEvent() {
        OutboxRow row = OutboxRowReader.read(new SourceRecord(null, null, "t", null, null, null, "not a struct"));

        assertThat(row.conversionProblem()).startsWith("the change record cannot be read");
        assertThat(new MessageFactory("x", 1 << 20).toMessage(row).isDeadLetter())
                .isTrue();
    }

    /** A change record of a row with {@code created_at} of {@code schema} holding {@code createdAt}. */
    static OutboxRow read(Schema createdAtSchema, Object createdAt) {
        return OutboxRowReader.read(record(
                createdAtSchema,
                createdAt,
                io.debezium.data.Json.builder().optional().build(),
                "{}"));
    }

    private static OutboxRow readPayload(Schema payloadSchema, Object payload) {
        return OutboxRowReader.read(record(
                io.debezium.time.ZonedTimestamp.builder().optional().build(),
                "2025-12-05T01:02:03.456789Z",
                payloadSchema,
                payload));
    }

    static SourceRecord record(Schema createdAtSchema, Object createdAt, Schema payloadSchema, Object payload) {
        Schema row = SchemaBuilder.struct()
                .name("outbox.public.outbox_events.Value")
                .field("id", Schema.STRING_SCHEMA)
                .field("event_id", io.debezium.data.Uuid.builder().build())
                .field("event_type", Schema.STRING_SCHEMA)
                .field("payload", payloadSchema)
                .field("created_at", createdAtSchema)
                .build();
        Schema source =
                SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct()
                .field("before", SchemaBuilder.struct().optional().build())
                .field("after", row)
                .field("source", source)
                .field("op", Schema.STRING_SCHEMA)
                .build();
        Struct after = new Struct(row)
                .put("id", "row-1")
                .put("event_id", ID)
                .put("event_type", "employee.created")
                .put("payload", payload)
                .put("created_at", createdAt);
        Struct value = new Struct(envelope)
                .put("after", after)
                .put("source", new Struct(source).put("ts_ms", 1234L))
                .put("op", "c");
        return new SourceRecord(null, null, "outbox.public.outbox_events", null, null, envelope, value);
    }
}
