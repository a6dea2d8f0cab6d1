package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.Return;
import com.rabbitmq.client.ReturnCallback;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What RabbitMQ returned (basic.return of a {@code mandatory} publish), kept across retried windows and dropped
 * channels until the publisher re-publishes it: nothing returned is forgotten, whatever happens to the attempt
 * that caused the return. A message returned twice (its window was published again) is kept once, by exchange,
 * routing key and message id. The connection threads add, the publishing thread takes; thread-safe.
 */
final class ReturnedMessages implements ReturnCallback {

    private static final Logger log = LoggerFactory.getLogger(ReturnedMessages.class);

    private final Map<Object, Return> returned = new LinkedHashMap<>();
    private final Set<String> typesLogged = ConcurrentHashMap.newKeySet();

    @Override
    public synchronized void handle(Return r) {
        String id = r.getProperties() == null ? null : r.getProperties().getMessageId();
        Object key = id == null ? new Object() : List.of(r.getExchange(), r.getRoutingKey(), id);
        returned.putIfAbsent(key, r);
    }

    /**
     * Takes everything returned so far as messages to publish again: a message returned by one of the relay's own
     * exchanges ({@code outbox.unrouted}, {@code outbox.dead-letter}) goes to the same exchange again (its queue was
     * missing); an event returned by the events exchange goes to {@code outbox.unrouted}.
     *
     * @param alternateExchange whether the events exchange has {@code outbox.unrouted} as alternate exchange, so a
     *                          return from it also means queue {@code outbox.unrouted} is missing
     */
    Redirect take(boolean alternateExchange) {
        List<Return> taken;
        synchronized (this) {
            taken = new ArrayList<>(returned.values());
            returned.clear();
        }
        List<OutboxMessage> again = new ArrayList<>(taken.size());
        int newlyUnrouted = 0;
        boolean queueMissing = false;
        for (Return r : taken) {
            boolean own = r.getExchange().equals(OutboxAmqp.UNROUTED)
                    || r.getExchange().equals(OutboxAmqp.DEAD_LETTER);
            queueMissing |= own || alternateExchange;
            String id = r.getProperties().getMessageId();
            if (!own) {
                newlyUnrouted++;
                String type =
                        r.getProperties().getType() != null ? r.getProperties().getType() : r.getRoutingKey();
                if (typesLogged.add(type)) {
                    log.warn(
                            "Event {} of type {} had no queue bound for it (RabbitMQ returned it: {}); re-publishing it to"
                                    + " {}. Later ones of this type are only counted (outbox_relay_events_unrouted_total)",
                            id,
                            type,
                            r.getReplyText(),
                            OutboxAmqp.UNROUTED);
                }
            }
            again.add(new OutboxMessage(
                    own ? r.getExchange() : OutboxAmqp.UNROUTED,
                    r.getRoutingKey(),
                    r.getProperties(),
                    r.getBody(),
                    id,
                    null,
                    System.currentTimeMillis(),
                    null));
        }
        return new Redirect(again, newlyUnrouted, queueMissing);
    }

    /**
     * Messages to publish again.
     *
     * @param messages      in the order RabbitMQ returned them
     * @param newlyUnrouted how many of them are events going to {@code outbox.unrouted} for the first time
     * @param queueMissing  whether queue {@code outbox.unrouted} or {@code outbox.dead-letter} must be declared again first
     */
    record Redirect(List<OutboxMessage> messages, int newlyUnrouted, boolean queueMissing) {
        boolean isEmpty() {
            return messages.isEmpty();
        }
    }
}
