package dev.outboxcdc.envelope;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The type of the queues the relay and consumer-support declare ({@code x-queue-type}). Classic
 * queues live on one node; quorum queues are replicated over a cluster's nodes (Raft) and keep
 * their messages when a node is lost. A queue that already exists with the other type is kept as it
 * is: RabbitMQ cannot change a queue's type, and the declaration reports it
 * ({@link #isTypeMismatch(String)}).
 */
public enum QueueType {

    /** A queue on one node ({@code x-queue-type: classic}). */
    CLASSIC,
    /** A replicated queue ({@code x-queue-type: quorum}, RabbitMQ 3.8 and later; message TTL from 3.10). */
    QUORUM;

    /** The declaration argument naming the type. */
    public static final String ARGUMENT = "x-queue-type";

    /** The value of {@link #ARGUMENT}: {@code classic} or {@code quorum}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code others} plus {@link #ARGUMENT}. */
    public Map<String, Object> arguments(Map<String, Object> others) {
        Map<String, Object> arguments = new HashMap<>(others);
        arguments.put(ARGUMENT, value());
        return Map.copyOf(arguments);
    }

    /**
     * The type named {@code text}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static QueueType parse(String text) {
        if (text != null) {
            for (QueueType type : values()) {
                if (type.value().equalsIgnoreCase(text.trim())) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a queue type: use classic or quorum");
    }

    /** Whether a declaration's error text says the queue exists with another type. */
    public static boolean isTypeMismatch(String replyText) {
        return replyText != null && replyText.contains("inequivalent arg '" + ARGUMENT + "'");
    }
}
