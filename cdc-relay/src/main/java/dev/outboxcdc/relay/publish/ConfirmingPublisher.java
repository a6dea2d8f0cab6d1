package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Return;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.config.Secrets;
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
 * Publishes batches to RabbitMQ with {@code mandatory} set on a channel in confirm mode, and
 * returns only when RabbitMQ has confirmed every message of the batch.
 *
 * <p>Confirms are pipelined: the whole batch is published, then the confirms are awaited once.
 * When a message is nacked, the confirm times out or the connection is lost, the channel is
 * dropped and the batch is published again from its first unconfirmed message, in order, after a
 * backoff; so nothing is lost and a failure costs at most one batch of duplicates. Messages the
 * broker returns as unroutable (when the exchange has no alternate exchange) are re-published to
 * {@code outbox.unrouted}.
 *
 * <p>Used by one thread at a time (the engine's batch thread).
 */
public final class ConfirmingPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final ConnectionFactory factory;
    private final String uriForLogs;
    private final Topology topology;
    private final long confirmTimeoutNanos;
    private final Backoff backoff;
    private final StopSignal stop;
    private final RelayStatus status;
    private final RelayMetrics metrics;
    private final ConfirmTracker tracker = new ConfirmTracker();
    private final UnroutedTap unroutedTap;
    private final List<Return> returned = new ArrayList<>();

    private Connection connection;
    private Channel channel;

    /**
     * Creates a publisher; it connects on first use or on {@link #connect()}.
     *
     * @param factory        connection factory (automatic recovery off: this class reconnects itself)
     * @param uri            the broker URI, only for log lines (the password is masked)
     * @param exchange       the events exchange
     * @param unroutedMaxLength the most messages queue {@code outbox.unrouted} holds
     */
    public ConfirmingPublisher(ConnectionFactory factory, String uri, String exchange, long unroutedMaxLength,
            Duration confirmTimeout, Backoff backoff, StopSignal stop, RelayStatus status, RelayMetrics metrics) {
        this.factory = factory;
        this.uriForLogs = Secrets.maskUri(uri);
        this.topology = new Topology(exchange, unroutedMaxLength);
        this.confirmTimeoutNanos = confirmTimeout.toNanos();
        this.backoff = backoff;
        this.stop = stop;
        this.status = status;
        this.metrics = metrics;
        this.unroutedTap = new UnroutedTap(metrics);
    }

    /** Connects and declares the topology now, so start-up reports a broker that is down. */
    public void connect() throws IOException {
        ensureChannel();
    }

    /**
     * Publishes {@code batch} in order and returns once RabbitMQ has confirmed all of it, retrying
     * with backoff for as long as it takes.
     *
     * @throws PublishAbortedException when the relay stops before the batch is confirmed
     */
    public void publish(List<OutboxMessage> batch) {
        int from = 0;
        while (from < batch.size()) {
            try {
                ensureChannel();
                int confirmed = publishFrom(batch, from);
                if (confirmed == batch.size()) {
                    break;
                }
                log.warn("RabbitMQ did not confirm {} of {} event(s) (nack, timeout or closed channel); republishing from"
                        + " event {}", batch.size() - confirmed, batch.size(), batch.get(confirmed).eventId());
                from = confirmed;
                dropChannel();
            } catch (IOException | AlreadyClosedException e) {
                status.brokerConnected(false, uriForLogs + ": " + e.getMessage());
                dropConnection();
            }
            if (stop.await(backoff.next())) {
                throw new PublishAbortedException(batch.get(from).eventId(), batch.size() - from);
            }
        }
        backoff.reset();
        republishReturned();
    }

    private int publishFrom(List<OutboxMessage> batch, int from) throws IOException {
        List<OutboxMessage> rest = batch.subList(from, batch.size());
        synchronized (returned) {
            returned.clear();
        }
        tracker.begin(channel.getNextPublishSeqNo(), rest.size());
        for (OutboxMessage message : rest) {
            channel.basicPublish(message.exchange(), message.routingKey(), true, message.properties(), message.body());
        }
        try {
            return from + tracker.await(confirmTimeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishAbortedException(batch.get(from).eventId(), rest.size());
        }
    }

    /**
     * Re-publishes what the broker returned: events no queue was bound for go to {@code outbox.unrouted}
     * (needed only when the events exchange has no alternate exchange); a message returned by one of
     * the relay's own fanout exchanges means its queue was deleted, so the topology is declared again
     * and the message re-published to the same exchange. Nothing returned is dropped.
     */
    private void republishReturned() {
        List<OutboxMessage> again = new ArrayList<>();
        boolean queueMissing = false;
        synchronized (returned) {
            for (Return r : returned) {
                boolean ownExchange = r.getExchange().equals(OutboxAmqp.UNROUTED) || r.getExchange().equals(OutboxAmqp.DEAD_LETTER);
                queueMissing |= ownExchange;
                again.add(new OutboxMessage(ownExchange ? r.getExchange() : OutboxAmqp.UNROUTED, r.getRoutingKey(),
                        r.getProperties(), r.getBody(), r.getProperties().getMessageId(), null, System.currentTimeMillis(), null));
            }
            returned.clear();
        }
        if (again.isEmpty()) {
            return;
        }
        if (queueMissing) {
            log.warn("Queue {} or {} is missing; declaring the topology again", OutboxAmqp.UNROUTED, OutboxAmqp.DEAD_LETTER);
            dropConnection();
        } else {
            log.warn("{} event(s) were unroutable on the events exchange (first: type {}, id {}); re-publishing them to {}",
                    again.size(), again.get(0).properties().getType(), again.get(0).eventId(), OutboxAmqp.UNROUTED);
        }
        publish(again); // unrouted events are counted by the unrouted tap, like those the alternate exchange routes
    }

    private void ensureChannel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return;
        }
        if (connection == null || !connection.isOpen()) {
            try {
                connection = factory.newConnection("cdc-relay");
            } catch (TimeoutException e) {
                throw new IOException("timed out connecting to " + uriForLogs, e);
            }
            connection.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    status.brokerConnected(false, uriForLogs + ": " + cause.getMessage());
                }
                tracker.channelClosed();
            });
            topology.declare(connection);
            unroutedTap.start(connection);
            status.brokerConnected(true, uriForLogs);
        }
        channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("no channel available on the RabbitMQ connection");
        }
        channel.confirmSelect();
        channel.addConfirmListener(tracker);
        channel.addReturnListener(r -> {
            synchronized (returned) {
                returned.add(r);
            }
        });
        channel.addShutdownListener(cause -> tracker.channelClosed());
    }

    private void dropChannel() {
        Topology.closeQuietly(channel);
        channel = null;
    }

    private void dropConnection() {
        dropChannel();
        if (connection != null) {
            try {
                connection.close(5_000);
            } catch (IOException | AlreadyClosedException e) {
                log.debug("Closing the RabbitMQ connection failed", e);
            }
            connection = null;
        }
    }

    /** Closes the connection; a batch in progress is not confirmed. */
    @Override
    public void close() {
        dropConnection();
        status.brokerConnected(false, "closed by the relay");
    }

}
