package dev.outboxcdc.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Writes and reads {@link Envelope} bodies.
 *
 * <p>Writing embeds the payload as raw JSON text: numbers keep their exact digits (no
 * round trip through {@code double}) and the relay does not build a tree per event.
 * Reading is strict about the four keys and their types and tolerant of additional keys.
 * All methods are thread-safe.
 */
public final class EnvelopeCodec {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EnvelopeCodec() {}

    /**
     * Writes an envelope from the row's text values.
     *
     * @param eventId   the event id as text
     * @param eventType the event type
     * @param timestamp the ISO-8601 UTC instant of {@code created_at}
     * @param rawData   the payload; must already be one valid JSON value (see {@link #isJson})
     * @return the UTF-8 JSON body
     */
    public static byte[] write(String eventId, String eventType, String timestamp, String rawData) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(JSON._getBufferRecycler(), 128 + rawData.length());
                JsonGenerator generator = JSON.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField(Envelope.EVENT_ID, eventId);
            generator.writeStringField(Envelope.EVENT_TYPE, eventType);
            generator.writeStringField(Envelope.TIMESTAMP, timestamp);
            generator.writeFieldName(Envelope.DATA);
            generator.writeRawValue(rawData);
            generator.writeEndObject();
            generator.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write envelope of event " + eventId, e);
        }
    }

    /** Writes an envelope value; the same bytes the relay produces for the same row. */
    public static byte[] write(Envelope envelope) {
        try {
            return write(
                    envelope.eventId().toString(),
                    envelope.eventType(),
                    envelope.timestamp().toString(),
                    MAPPER.writeValueAsString(envelope.data()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write envelope of event " + envelope.eventId(), e);
        }
    }

    /**
     * Reads and validates an envelope body.
     *
     * @throws InvalidEnvelopeException naming the first rule the body breaks
     */
    public static Envelope read(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidEnvelopeException("body is not valid JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEnvelopeException("body is not a JSON object");
        }
        UUID eventId = uuid(text(root, Envelope.EVENT_ID));
        String eventType = text(root, Envelope.EVENT_TYPE);
        if (eventType.isBlank()) {
            throw new InvalidEnvelopeException(Envelope.EVENT_TYPE + " is blank");
        }
        Instant timestamp = instant(text(root, Envelope.TIMESTAMP));
        JsonNode data = root.get(Envelope.DATA);
        if (data == null) {
            throw new InvalidEnvelopeException("missing " + Envelope.DATA);
        }
        return new Envelope(eventId, eventType, timestamp, data);
    }

    /** Returns whether {@code text} is exactly one JSON value (with optional surrounding whitespace). */
    public static boolean isJson(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String text(JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new InvalidEnvelopeException("missing " + key);
        }
        if (!node.isTextual()) {
            throw new InvalidEnvelopeException(key + " is not a string");
        }
        return node.textValue();
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(Envelope.EVENT_ID + " is not a UUID: " + value, e);
        }
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidEnvelopeException(Envelope.TIMESTAMP + " is not an ISO-8601 instant: " + value, e);
        }
    }
}
