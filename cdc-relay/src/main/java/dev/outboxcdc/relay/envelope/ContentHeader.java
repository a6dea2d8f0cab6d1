package dev.outboxcdc.relay.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AMQP headers of an envelope message and the size of its content header, checked against what
 * RabbitMQ's client accepts, so a message it would refuse at publish time is dead-lettered instead.
 *
 * <p>The {@code headers} column must hold a JSON object. String values are copied as they are; numbers
 * and booleans become their JSON text ({@code 12.50} stays {@code "12.50"}, {@code true} becomes
 * {@code "true"}); a null, object or array value, a key over 255 UTF-8 bytes (an AMQP short string)
 * or text without a UTF-8 form dead-letters the row, naming the key. Stateless and thread-safe.
 */
final class ContentHeader {

    /**
     * Largest content header frame the relay builds: 64 KiB, half of RabbitMQ's default {@code frame_max}
     * (131072), beyond which the client throws "Content headers exceeded max frame size".
     */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    /** Frame envelope (type, channel, size, end) plus class id, weight, body size and property flags. */
    private static final int FIXED_BYTES = 8 + 2 + 2 + 8 + 2;

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The headers of a message, or why there are none.
     *
     * @param values  header name to string value, insertion-ordered; null when there are no headers
     * @param problem the reason to dead-letter the row, or null
     */
    record Headers(Map<String, Object> values, String problem) {}

    private ContentHeader() {}

    /** The headers from the {@code headers} column's JSON (may be null) and the aggregate columns (may be null). */
    static Headers headers(String json, String aggregateType, String aggregateId) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (json != null) {
            String problem = copy(json, values);
            if (problem != null) {
                return new Headers(null, problem);
            }
        }
        if (aggregateType != null) {
            values.put(OutboxAmqp.HEADER_AGGREGATE_TYPE, aggregateType);
        }
        if (aggregateId != null) {
            values.put(OutboxAmqp.HEADER_AGGREGATE_ID, aggregateId);
        }
        for (Map.Entry<String, Object> header : values.entrySet()) {
            if (Utf8.length((String) header.getValue()) == Utf8.MALFORMED) {
                return new Headers(
                        null, "header " + ColumnText.quote(header.getKey()) + " has a value that is not valid Unicode");
            }
        }
        return new Headers(values.isEmpty() ? null : values, null);
    }

    /**
     * The size in bytes of the content header frame of an envelope message with these properties (as
     * amqp-client encodes it: content type, delivery mode, message id, type, timestamp, headers).
     * Every string must have a UTF-8 form ({@link Utf8#length} not {@link Utf8#MALFORMED}).
     */
    static long frameSize(String messageId, String type, Map<String, Object> headers) {
        long size = FIXED_BYTES
                + 1
                + Envelope.CONTENT_TYPE.length()
                + 1
                + 1
                + Utf8.length(messageId)
                + 1
                + Utf8.length(type)
                + 8;
        if (headers != null) {
            size += 4;
            for (Map.Entry<String, Object> header : headers.entrySet()) {
                size += 1 + Utf8.length(header.getKey()) + 1 + 4 + Utf8.length((String) header.getValue());
            }
        }
        return size;
    }

    private static String copy(String json, Map<String, Object> values) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "headers is not a JSON object";
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                long keyBytes = Utf8.length(key);
                if (keyBytes == Utf8.MALFORMED) {
                    return "headers key " + ColumnText.quote(key) + " is not valid Unicode";
                }
                if (keyBytes > OutboxAmqp.MAX_SHORT_STRING_BYTES) {
                    return "headers key " + ColumnText.quote(key) + " is " + keyBytes
                            + " bytes, over the AMQP limit of " + OutboxAmqp.MAX_SHORT_STRING_BYTES
                            + " bytes for a header name";
                }
                String kind = switch (parser.nextToken()) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                        values.put(key, parser.getText());
                        yield null;
                    }
                    case VALUE_NULL -> "null";
                    case START_OBJECT -> "an object";
                    case START_ARRAY -> "an array";
                    default -> "not a JSON value";
                };
                if (kind != null) {
                    return "headers key " + ColumnText.quote(key) + " holds " + kind
                            + "; only strings, numbers and booleans become AMQP headers";
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return "headers is not a JSON object";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "headers is not a JSON object";
        }
    }
}
