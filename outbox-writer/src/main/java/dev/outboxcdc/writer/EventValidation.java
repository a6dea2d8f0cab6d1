package dev.outboxcdc.writer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Checks an event and renders its JSON before any SQL runs. */
final class EventValidation {

    /** AMQP routing keys (short strings) hold at most this many bytes. */
    static final int MAX_EVENT_TYPE_BYTES = OutboxAmqp.MAX_SHORT_STRING_BYTES;

    private EventValidation() {}

    /** The validated event's JSON columns. */
    record Rendered(String payload, String headers) {}

    static Rendered render(OutboxEvent event, ObjectMapper mapper) {
        if (event == null) {
            throw new InvalidOutboxEventException("event must not be null");
        }
        requireRoutingKey(event.eventType());
        return new Rendered(payload(event, mapper), headers(event, mapper));
    }

    private static void requireRoutingKey(String type) {
        if (type == null || type.isBlank()) {
            throw new InvalidOutboxEventException("eventType must not be null or blank");
        }
        if (type.indexOf('*') >= 0 || type.indexOf('#') >= 0) {
            throw new InvalidOutboxEventException("eventType '" + type + "' is not a valid routing key: '*' and '#' are"
                    + " wildcards of topic bindings");
        }
        int bytes = type.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_EVENT_TYPE_BYTES) {
            throw new InvalidOutboxEventException("eventType is " + bytes + " bytes long; a routing key holds at most "
                    + MAX_EVENT_TYPE_BYTES + " bytes");
        }
    }

    private static String payload(OutboxEvent event, ObjectMapper mapper) {
        if (event.payloadJson() != null) {
            if (event.payload() != null) {
                throw new InvalidOutboxEventException(
                        "event " + event.eventType() + " has both payload and payloadJson");
            }
            if (event.payloadJson().isBlank()) {
                throw new InvalidOutboxEventException("payloadJson of event " + event.eventType() + " is blank");
            }
            try {
                mapper.readTree(event.payloadJson());
                return event.payloadJson();
            } catch (JsonProcessingException e) {
                throw new InvalidOutboxEventException(
                        "payloadJson of event " + event.eventType() + " is not valid JSON: " + e.getOriginalMessage(),
                        e);
            }
        }
        if (event.payload() == null) {
            throw new InvalidOutboxEventException("payload of event " + event.eventType() + " must not be null");
        }
        try {
            return mapper.writeValueAsString(event.payload());
        } catch (JsonProcessingException e) {
            throw new InvalidOutboxEventException(
                    "payload of event " + event.eventType() + " (a "
                            + event.payload().getClass().getName() + ") cannot be serialised to JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    private static String headers(OutboxEvent event, ObjectMapper mapper) {
        if (event.headers().isEmpty()) {
            return null;
        }
        for (Map.Entry<String, ?> header : event.headers().entrySet()) {
            if (header.getKey() == null || header.getKey().isBlank()) {
                throw new InvalidOutboxEventException(
                        "header names of event " + event.eventType() + " must not be blank");
            }
            if (!(header.getValue() instanceof String)) {
                throw new InvalidOutboxEventException("header '" + header.getKey() + "' of event " + event.eventType()
                        + " is "
                        + (header.getValue() == null
                                ? "null"
                                : "a " + header.getValue().getClass().getName())
                        + "; header values must be strings");
            }
        }
        try {
            return mapper.writeValueAsString(event.headers());
        } catch (JsonProcessingException e) {
            throw new InvalidOutboxEventException("headers of event " + event.eventType() + " cannot be serialised", e);
        }
    }
}
