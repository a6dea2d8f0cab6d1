package dev.outboxcdc.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Against a real broker: a queue with {@code x-overflow: reject-publish} that is full makes RabbitMQ nack events
 * (while still delivering them to the other bound queues). The relay then publishes the first nacked event alone
 * until it is acked, so nothing committed after it is routed before it.
 */
class NackOrderingIT {

    private static final String TYPE = "nack.test";
    private static final int EVENTS = 12;
    private static final int BOUNDED = 5;

    @Test
    void afterANackOnlyTheNackedEventIsPublishedUntilItIsAckedAndEveryQueueEndsInCommitOrder() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (Connection connection = rabbit.connect();
                    TestQueue all = rabbit.bind(settings.exchange(), TYPE);
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                Channel channel = connection.createChannel();
                String bounded = declareFullAfterBounded(channel, settings.exchange());
                List<String> ids = insertEvents(db);
                String firstNacked = ids.get(BOUNDED);

                // The bounded queue is full: the relay keeps retrying the first event it rejected.
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Collections.frequency(all.messageIds(), firstNacked) >= 3);
                List<String> beforeDrain = all.messageIds();
                int firstRetry = firstRepeat(beforeDrain);
                assertThat(beforeDrain.subList(0, firstRetry)).isEqualTo(ids.subList(0, firstRetry));
                assertThat(beforeDrain.subList(firstRetry, beforeDrain.size())).containsOnly(firstNacked);

                List<String> drained = drain(channel, bounded);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(drained).containsAll(ids));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> all.messageIds().lastIndexOf(ids.get(EVENTS - 1)) > beforeDrain.size());

                assertThat(drained).containsExactlyElementsOf(ids);
                assertThat(lastCopies(all.messageIds())).containsExactlyElementsOf(ids);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void withAPublishWindowOfOneNoEventIsRoutedBeforeTheNackedOneCommittedAheadOfIt() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.publish-window", "1");
            rabbit.declareEventsExchange(settings.exchange());
            try (Connection connection = rabbit.connect();
                    TestQueue all = rabbit.bind(settings.exchange(), TYPE);
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                Channel channel = connection.createChannel();
                String bounded = declareFullAfterBounded(channel, settings.exchange());
                List<String> ids = insertEvents(db);
                String firstNacked = ids.get(BOUNDED);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> Collections.frequency(all.messageIds(), firstNacked) >= 3);
                assertThat(all.messageIds())
                        .as("nothing committed after the nacked event was sent")
                        .doesNotContainAnyElementsOf(ids.subList(BOUNDED + 1, EVENTS));

                List<String> drained = drain(channel, bounded);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(drained).containsAll(ids));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> all.messageIds().contains(ids.get(EVENTS - 1)));

                assertThat(drained).containsExactlyElementsOf(ids);
                assertThat(withoutRepeats(all.messageIds()))
                        .as("every queue, every copy, in commit order")
                        .containsExactlyElementsOf(ids);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    /** A queue bound to {@code exchange} that takes {@link #BOUNDED} events, then rejects (RabbitMQ nacks) the rest. */
    private static String declareFullAfterBounded(Channel channel, String exchange) throws Exception {
        String bounded = channel.queueDeclare(
                        UniqueNames.of("nack_bounded"),
                        false,
                        true,
                        true,
                        Map.of("x-max-length", BOUNDED, "x-overflow", "reject-publish"))
                .getQueue();
        channel.queueBind(bounded, exchange, TYPE);
        return bounded;
    }

    /** Commits {@link #EVENTS} events in one transaction; returns their ids in commit order. */
    private static List<String> insertEvents(TestDatabase db) throws Exception {
        try (java.sql.Connection jdbc = db.connect()) {
            return OutboxRows.insertTransaction(jdbc, TYPE, EVENTS, "{\"n\": 1}");
        }
    }

    /** Starts consuming {@code queue}; the list fills with message ids as they arrive. */
    private static List<String> drain(Channel channel, String queue) throws Exception {
        List<String> drained = Collections.synchronizedList(new ArrayList<>());
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                drained.add(properties.getMessageId());
            }
        });
        return drained;
    }

    /** {@code ids} without a copy that repeats the one before it. */
    private static List<String> withoutRepeats(List<String> ids) {
        List<String> order = new ArrayList<>();
        for (String id : ids) {
            if (order.isEmpty() || !order.get(order.size() - 1).equals(id)) {
                order.add(id);
            }
        }
        return order;
    }

    private static int firstRepeat(List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                return i;
            }
        }
        return ids.size();
    }

    /** The ids in the order of their last copy. */
    private static List<String> lastCopies(List<String> ids) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (ids.lastIndexOf(ids.get(i)) == i) {
                order.add(ids.get(i));
            }
        }
        return order;
    }
}
