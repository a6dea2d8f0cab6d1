package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.AmqpChannels;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Four consumer processes share four partitions of one subscription; one is killed mid-stream:
 * its partitions move to the others, and every aggregate's events still have one effect each, in
 * commit order.
 */
class PartitionedConsumersIT {

    static final int PARTITIONS = 4;
    static final int AGGREGATES = 40;
    static final int EVENTS_PER_AGGREGATE = 100;
    static final int WITHOUT_AGGREGATE = 30;

    private final ConsumerFixture fixture = new ConsumerFixture(broker());
    private final String name = UniqueNames.of("ledger");
    private final List<Process> instances = new ArrayList<>();

    /** The broker the instances and the test use. */
    RabbitEndpoint broker() {
        return TestServices.rabbitmq();
    }

    /** The instances' address list, or "-" for the broker's URI alone. */
    String addresses() {
        return "-";
    }

    /** The queue type the instances declare. */
    QueueType queueType() {
        return QueueType.CLASSIC;
    }

    @AfterEach
    void cleanUp() {
        instances.forEach(Process::destroyForcibly);
        fixture.close();
        OutboxConsumer queues = fixture.builder(name)
                .queueType(queueType())
                .subscribe(
                        Subscription.to((event, connection) -> {}, "ledger.#").withPartitions(PARTITIONS))
                .build();
        queues.deleteQueues();
        fixture.rabbit.deleteExchange(
                SubscriptionQueues.partitionExchange(queues.queues().get(0)));
    }

    @Test
    void eachAggregateIsHandledInOrderOnceWhileAnInstanceIsKilled() throws Exception {
        fixture.db.execute("CREATE TABLE applied (id bigserial PRIMARY KEY, aggregate text NOT NULL, seq int NOT NULL,"
                + " event_id uuid NOT NULL, instance bigint NOT NULL)");
        for (int i = 0; i < PARTITIONS; i++) {
            instances.add(startInstance());
        }
        // The dead-letter queue is declared last, after the partitions and their bindings: events published
        // before those bindings exist are unroutable.
        String deadLetters = SubscriptionQueues.deadLetterQueue(name + ".ledger.#");
        Awaitility.await("the instances declared the partitions")
                .atMost(Duration.ofSeconds(60))
                .until(() -> fixture.rabbit.messageCount(deadLetters) >= 0);
        // Events are published once every instance consumes one partition: else the first instances can
        // handle the first half before the last one joins, and the killed one may have had nothing.
        String main = name + ".ledger.#";
        Awaitility.await("every instance consumes one partition")
                .atMost(Duration.ofSeconds(90))
                .during(PartitionBalancer.REBALANCE_INTERVAL.multipliedBy(2))
                .until(() -> membersJoined(main) == PARTITIONS && eachPartitionHasOneConsumer(main));

        int total = AGGREGATES * EVENTS_PER_AGGREGATE + WITHOUT_AGGREGATE;
        publishInterleaved(0, EVENTS_PER_AGGREGATE / 2);
        publishWithoutAggregate();
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> applied() >= total / 4);
        Process killed = instances.get(1);
        killed.destroyForcibly().waitFor();
        long appliedByKilled = fixture.db.queryLong("SELECT count(*) FROM applied WHERE instance = " + killed.pid());
        publishInterleaved(EVENTS_PER_AGGREGATE / 2, EVENTS_PER_AGGREGATE);

        try {
            Awaitility.await().atMost(Duration.ofSeconds(180)).until(() -> applied() == total);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "applied " + applied() + " of " + total + "; short aggregates (aggregate:count): "
                            + fixture.db.queryStrings(
                                    "SELECT aggregate || ':' || count(*) FROM applied GROUP BY aggregate"
                                            + " HAVING count(*) < " + EVENTS_PER_AGGREGATE + " ORDER BY aggregate"),
                    e);
        }
        assertThat(fixture.db.queryLong("SELECT count(DISTINCT event_id) FROM applied"))
                .isEqualTo(total);
        assertThat(
                        fixture.db.queryLong(
                                "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (PARTITION BY aggregate ORDER BY id)"
                                        + " AS previous FROM applied) handled WHERE previous IS NOT NULL AND seq <> previous + 1"))
                .as("events of one aggregate handled out of commit order")
                .isZero();
        assertThat(fixture.db.queryLong("SELECT count(*) FROM applied WHERE seq = 0"))
                .isEqualTo(AGGREGATES + 1);
        assertThat(fixture.db.queryLong("SELECT count(*) FROM applied WHERE aggregate = 'none'"))
                .as("events without an aggregate id all go to one partition")
                .isEqualTo(WITHOUT_AGGREGATE);
        assertThat(fixture.db.queryLong("SELECT count(DISTINCT instance) FROM applied"))
                .as("the instances shared the work")
                .isEqualTo(PARTITIONS);
        assertThat(appliedByKilled)
                .as("the killed instance had partitions before")
                .isPositive();
        assertThat(fixture.db.queryLong("SELECT count(*) FROM applied WHERE instance = " + killed.pid()))
                .isEqualTo(appliedByKilled);
    }

    /** Events without the aggregate_id header, in one order: they share one partition and keep that order. */
    private void publishWithoutAggregate() {
        fixture.rabbit.withChannel(channel -> {
            channel.confirmSelect();
            for (int seq = 0; seq < WITHOUT_AGGREGATE; seq++) {
                UUID eventId = UUID.randomUUID();
                channel.basicPublish(
                        fixture.exchange,
                        "ledger.note",
                        true,
                        new AMQP.BasicProperties.Builder()
                                .messageId(eventId.toString())
                                .deliveryMode(OutboxAmqp.PERSISTENT)
                                .build(),
                        EnvelopeCodec.write(
                                eventId.toString(),
                                "ledger.note",
                                Instant.now().toString(),
                                "{\"aggregate\":\"none\",\"seq\":" + seq + "}"));
            }
            try {
                channel.waitForConfirmsOrDie(60_000);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException("events not confirmed", e);
            }
        });
    }

    /** The membership slots of {@code main} held by instances (exclusive queues of other connections). */
    private int membersJoined(String main) {
        int members = 0;
        for (int slot = 0; slot < PARTITIONS + 2; slot++) {
            if (heldByAnother(MembershipSlots.memberQueue(main, slot))) {
                members++;
            }
        }
        return members;
    }

    /** True when another connection holds {@code queue} exclusively (a passive declaration is refused with 405). */
    private boolean heldByAnother(String queue) {
        try (var connection = fixture.rabbit.connect();
                var channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return false;
        } catch (java.io.IOException e) {
            return AmqpChannels.replyCode(e) == 405; // RESOURCE_LOCKED
        } catch (TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            return false;
        }
    }

    private boolean eachPartitionHasOneConsumer(String main) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            if (fixture.rabbit.consumerCount(SubscriptionQueues.partitionQueue(main, partition)) != 1) {
                return false;
            }
        }
        return true;
    }

    private long applied() {
        return fixture.db.queryLong("SELECT count(*) FROM applied");
    }

    /** Publishes events {@code from} to {@code to} (exclusive) of every aggregate, aggregates interleaved, as the relay would. */
    private void publishInterleaved(int from, int to) {
        fixture.rabbit.withChannel(channel -> {
            channel.confirmSelect();
            for (int seq = from; seq < to; seq++) {
                for (int aggregate = 0; aggregate < AGGREGATES; aggregate++) {
                    UUID eventId = UUID.randomUUID();
                    byte[] body = EnvelopeCodec.write(
                            eventId.toString(),
                            "ledger.entry",
                            Instant.now().toString(),
                            "{\"aggregate\":\"account-" + aggregate + "\",\"seq\":" + seq + "}");
                    channel.basicPublish(
                            fixture.exchange,
                            "ledger.entry",
                            true,
                            new AMQP.BasicProperties.Builder()
                                    .messageId(eventId.toString())
                                    .deliveryMode(OutboxAmqp.PERSISTENT)
                                    .headers(Map.of(OutboxAmqp.HEADER_AGGREGATE_ID, "account-" + aggregate))
                                    .build(),
                            body);
                }
            }
            try {
                channel.waitForConfirmsOrDie(60_000);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException("events not confirmed", e);
            }
        });
    }

    private Process startInstance() throws Exception {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PartitionedConsumerMain.class.getName(),
                        fixture.db.server().jdbcUrl(fixture.db.name()),
                        fixture.db.server().user(),
                        fixture.db.server().password(),
                        fixture.rabbit.uri(),
                        addresses(),
                        fixture.exchange,
                        name,
                        String.valueOf(PARTITIONS),
                        queueType().value())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        Path.of("target", name + ".log").toFile()))
                .start();
    }
}
