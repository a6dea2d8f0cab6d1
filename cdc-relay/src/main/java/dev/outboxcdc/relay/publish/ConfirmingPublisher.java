package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes batches to RabbitMQ with {@code mandatory} set on a channel in confirm mode, and returns only when
 * RabbitMQ has confirmed every message of the batch, and every message it returned has been re-published and
 * confirmed too.
 *
 * <p><b>Order.</b> Messages are published in batch order on one channel, so RabbitMQ routes them in that order.
 * Normally a whole batch is pipelined (published, then its confirms awaited). When a message is nacked, its confirm
 * times out or the connection is lost, the channel is dropped and, after a backoff, publishing resumes from the
 * first unconfirmed message with a window of one: that message alone, and nothing after it is published until
 * RabbitMQ has acked it. The window then doubles after every fully acked window until whole batches are pipelined
 * again (see {@link PublishWindow}). Guaranteed, therefore:
 * <ul>
 * <li>an event that was not yet published when a failure was detected is never routed before the failed event:
 *     the failed event is confirmed first;</li>
 * <li>events already published behind the failed one in the same window (at most window − 1 of them) may have been
 *     routed before it; RabbitMQ cannot be stopped from routing what it has received. They are published again
 *     after it, so in every queue the <em>last</em> copy of each event arrives in commit order;</li>
 * <li>the first retry after a failure has a window of one, so a nack during it lets nothing overtake.</li>
 * </ul>
 *
 * <p><b>Returns.</b> Returns are kept across retried windows and dropped channels ({@link ReturnedMessages}) and
 * re-published after the batch: events to {@code outbox.unrouted}, messages returned by the relay's own exchanges
 * to the same exchange after declaring the topology again (their queue was deleted). A return from the events
 * exchange while it has its alternate exchange also means queue {@code outbox.unrouted} is missing: the topology
 * is declared again first. Unrouted events are counted by {@link UnroutedCounter}.
 *
 * <p><b>Refused messages.</b> A message RabbitMQ's client refuses to send is replaced in the batch, at the same
 * position, by its dead letter ({@link RefusedMessages}); the channel is dropped, because the client has used a
 * publish sequence number for it that RabbitMQ never saw. {@link #publish} returns the batch as published, so the
 * caller sees the replacement as a dead letter.
 *
 * <p>Used by one thread at a time (the engine's batch thread).
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final BrokerConnector broker;
    private final String uriForLogs;
    private final Topology topology;
    private final long confirmTimeoutNanos;
    private final Backoff backoff;
    private final StopSignal stop;
    private final RelayStatus status;
    private final ReturnedMessages returns = new ReturnedMessages();
    private final RefusedMessages refusals;
    private final PublishWindow window;
    private final UnroutedCounter unrouted;

    private volatile Connection connection;
    private Channel channel;
    /** A window was not confirmed and is being published again: logged once, not per attempt. */
    private boolean retrying;

    private ConfirmTracker tracker;
    private boolean alternateExchange = true;

    /**
     * Creates a publisher; it connects on first use or on {@link #connect()}.
     *
     * @param broker            where to connect (automatic recovery off: this class reconnects itself, to the
     *                          first node of the address list that answers)
     * @param topology          the exchange and the queues to declare on every connection
     * @param confirms          how long to wait for the confirms of a window, and how large a window may be
     * @param deadLetters       makes the dead letter of a row whose message RabbitMQ's client refuses
     */
    public ConfirmingPublisher(
            BrokerConnector broker,
            TopologySettings topology,
            ConfirmSettings confirms,
            Backoff backoff,
            StopSignal stop,
            RelayStatus status,
            RelayMetrics metrics,
            DeadLetterFactory deadLetters) {
        this(broker, topology, confirms, backoff, stop, status, metrics, deadLetters, UnroutedCounter.POLL_INTERVAL);
    }

    ConfirmingPublisher(
            BrokerConnector broker,
            TopologySettings topology,
            ConfirmSettings confirms,
            Backoff backoff,
            StopSignal stop,
            RelayStatus status,
            RelayMetrics metrics,
            DeadLetterFactory deadLetters,
            Duration unroutedPollInterval) {
        this.broker = broker;
        this.uriForLogs = broker.description();
        this.topology = new Topology(topology);
        this.confirmTimeoutNanos = confirms.timeout().toNanos();
        this.window = new PublishWindow(confirms.maxWindow());
        this.backoff = backoff;
        this.stop = stop;
        this.status = status;
        this.refusals = new RefusedMessages(deadLetters);
        this.unrouted = new UnroutedCounter(metrics, () -> connection, unroutedPollInterval);
    }

    /** Connects and declares the topology now, so start-up reports a broker that is down. */
    public void connect() throws IOException {
        ensureChannel();
    }

    /**
     * Publishes {@code batch} in order and returns once RabbitMQ has confirmed all of it, retrying with backoff for
     * as long as it takes.
     *
     * @return the messages published, in batch order: {@code batch} itself, except that a message RabbitMQ's client
     *         refused is replaced by its dead letter ({@link OutboxMessage#isDeadLetter()} true)
     * @throws PublishAbortedException when the relay stops before the batch is confirmed
     */
    public List<OutboxMessage> publish(List<OutboxMessage> batch) {
        List<OutboxMessage> published = new ArrayList<>(batch);
        publishInOrder(published);
        republishReturned();
        return published;
    }

    /** Publishes {@code messages} window by window until all are confirmed, replacing refused ones in place. */
    private void publishInOrder(List<OutboxMessage> messages) {
        int from = 0;
        while (from < messages.size()) {
            try {
                ensureChannel();
                int to = from + Math.min(window.size(), messages.size() - from);
                WindowSender.Result result =
                        WindowSender.send(channel, tracker, messages, from, to, confirmTimeoutNanos);
                if (result.allConfirmed()) {
                    if (retrying) {
                        retrying = false;
                        log.info("RabbitMQ confirms events again");
                    }
                    backoff.reset();
                    from = result.sent();
                    if (result.refusal() == null) {
                        window.confirmed();
                        continue;
                    }
                    dropChannel(); // the client used a publish sequence number RabbitMQ never saw
                    messages.set(from, refusals.replace(messages.get(from), result.refusal()));
                    continue;
                }
                if (!retrying) {
                    retrying = true;
                    log.warn(
                            "RabbitMQ did not confirm event {} (nack, timeout or closed channel); publishing again from"
                                    + " it, one event at a time until confirmed",
                            messages.get(result.confirmed()).eventId());
                } else {
                    log.debug(
                            "RabbitMQ still did not confirm event {}",
                            messages.get(result.confirmed()).eventId());
                }
                from = result.confirmed();
                window.failed();
                dropChannel();
            } catch (IOException | AlreadyClosedException e) {
                status.brokerConnected(false, uriForLogs + ": " + e.getMessage());
                window.failed();
                dropConnection();
            }
            if (stop.await(backoff.next())) {
                throw new PublishAbortedException(messages.get(from).eventId(), messages.size() - from);
            }
        }
    }

    /** Re-publishes what RabbitMQ returned, declaring the topology first when a queue of the relay's is missing. */
    private void republishReturned() {
        boolean again = false;
        for (ReturnedMessages.Redirect redirect = returns.take(alternateExchange);
                !redirect.isEmpty();
                redirect = returns.take(alternateExchange)) {
            if (again && stop.await(backoff.next())) {
                throw new PublishAbortedException(
                        redirect.messages().get(0).eventId(),
                        redirect.messages().size());
            }
            again = true;
            if (redirect.queueMissing()) {
                redeclare();
            }
            publishInOrder(new ArrayList<>(redirect.messages()));
            if (redirect.newlyUnrouted() > 0) {
                unrouted.republishedByRelay(redirect.newlyUnrouted());
            }
        }
    }

    private void redeclare() {
        log.warn(
                "RabbitMQ returned a message because queue {} or {} is missing; declaring them again",
                OutboxAmqp.UNROUTED,
                OutboxAmqp.DEAD_LETTER);
        try {
            Connection current = connection;
            if (current != null && current.isOpen()) {
                alternateExchange = topology.declare(current);
            }
        } catch (IOException | AlreadyClosedException e) {
            dropConnection(); // connecting again declares the topology
        }
    }

    private void ensureChannel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return;
        }
        if (connection == null || !connection.isOpen()) {
            Connection fresh;
            try {
                fresh = broker.connect("cdc-relay");
            } catch (TimeoutException e) {
                throw new IOException("timed out connecting to " + uriForLogs, e);
            }
            fresh.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    status.brokerConnected(false, uriForLogs + ": " + cause.getMessage());
                }
            });
            try {
                alternateExchange = topology.declare(fresh);
            } catch (IOException | RuntimeException e) {
                closeQuietly(fresh);
                throw e;
            }
            connection = fresh;
            unrouted.start();
            status.brokerConnected(true, uriForLogs);
        }
        Channel fresh = connection.createChannel();
        if (fresh == null) {
            throw new IOException("no channel available on the RabbitMQ connection");
        }
        ConfirmTracker confirms = new ConfirmTracker();
        fresh.confirmSelect();
        fresh.addConfirmListener(confirms);
        fresh.addReturnListener(returns);
        fresh.addShutdownListener(cause -> confirms.channelClosed());
        channel = fresh;
        tracker = confirms;
    }

    private void dropChannel() {
        Topology.closeQuietly(channel);
        channel = null;
    }

    private void dropConnection() {
        dropChannel();
        Connection current = connection;
        connection = null;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(Connection current) {
        try {
            current.close(5_000);
        } catch (IOException | AlreadyClosedException e) {
            log.debug("Closing the RabbitMQ connection failed", e);
        }
    }

    /** Closes the connection; a batch in progress is not confirmed. */
    @Override
    public void close() {
        unrouted.close();
        dropConnection();
        status.brokerConnected(false, "closed by the relay");
    }
}
