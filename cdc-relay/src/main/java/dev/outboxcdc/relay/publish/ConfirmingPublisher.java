package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * <p><b>Threads.</b> {@link #publish} is synchronized: one batch at a time, whichever thread calls it (the
 * supervisor's thread for the cut-over, then the engine's batch thread), and each call sees the channel, the window
 * and the retry state the previous one left. Acks, nacks and returns arrive on the client's connection thread, into
 * {@link ConfirmTracker} and {@link ReturnedMessages}, which are thread-safe. The connection itself is the
 * {@link BrokerSession}'s.
 */
public final class ConfirmingPublisher {

    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final BrokerSession session;
    private final long confirmTimeoutNanos;
    private final PublishWindow window;
    private final Backoff backoff;
    private final StopSignal stop;
    private final RefusedMessages refusals;
    private final ReturnedMessages returns = new ReturnedMessages();

    // Guarded by this publisher's lock (see the class documentation).
    private Channel channel;
    private ConfirmTracker tracker;
    /** A window was not confirmed and is being published again: logged once, not per attempt. */
    private boolean retrying;

    /**
     * Creates a publisher.
     *
     * @param session     the connection to publish on; connected on first use
     * @param confirms    how long to wait for the confirms of a window, and how large a window may be
     * @param backoff     the wait before publishing a window again after it failed
     * @param stop        ends the retries when the relay stops
     * @param deadLetters makes the dead letter of a row whose message RabbitMQ's client refuses
     */
    public ConfirmingPublisher(
            BrokerSession session,
            ConfirmSettings confirms,
            Backoff backoff,
            StopSignal stop,
            DeadLetterFactory deadLetters) {
        this.session = session;
        this.confirmTimeoutNanos = confirms.timeout().toNanos();
        this.window = new PublishWindow(confirms.maxWindow());
        this.backoff = backoff;
        this.stop = stop;
        this.refusals = new RefusedMessages(deadLetters);
    }

    /**
     * Publishes {@code batch} in order and returns once RabbitMQ has confirmed all of it, retrying with backoff for
     * as long as it takes.
     *
     * @return the messages published, in batch order: {@code batch} itself, except that a message RabbitMQ's client
     *         refused is replaced by its dead letter ({@link OutboxMessage#isDeadLetter()} true)
     * @throws PublishAbortedException when the relay stops before the batch is confirmed
     */
    public synchronized List<OutboxMessage> publish(List<OutboxMessage> batch) {
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
                window.failed();
                dropChannel();
                session.disconnected(e.getMessage());
            }
            if (stop.await(backoff.next())) {
                throw new PublishAbortedException(messages.get(from).eventId(), messages.size() - from);
            }
        }
    }

    /**
     * Re-publishes what RabbitMQ returned, declaring the topology first when a queue of the relay's is missing. A
     * loop, not a recursion: re-publishing may itself be returned (a queue deleted again), and each round takes what
     * came back in the previous one, waiting a backoff between rounds.
     */
    private void republishReturned() {
        boolean again = false;
        for (ReturnedMessages.Redirect redirect = returns.take(session.routesUnroutable());
                !redirect.isEmpty();
                redirect = returns.take(session.routesUnroutable())) {
            if (again && stop.await(backoff.next())) {
                throw new PublishAbortedException(
                        redirect.messages().get(0).eventId(),
                        redirect.messages().size());
            }
            again = true;
            if (redirect.queueMissing()) {
                log.warn(
                        "RabbitMQ returned a message because queue {} or {} is missing; declaring them again",
                        OutboxAmqp.UNROUTED,
                        OutboxAmqp.DEAD_LETTER);
                session.declareAgain();
            }
            publishInOrder(new ArrayList<>(redirect.messages()));
            if (redirect.newlyUnrouted() > 0) {
                session.unroutedRepublished(redirect.newlyUnrouted());
            }
        }
    }

    /** Opens a confirm-mode channel when there is no open one; one {@link ConfirmTracker} per channel. */
    private void ensureChannel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return;
        }
        Channel fresh = session.newChannel();
        ConfirmTracker confirms = new ConfirmTracker();
        fresh.confirmSelect();
        fresh.addConfirmListener(confirms);
        fresh.addReturnListener(returns);
        fresh.addShutdownListener(cause -> confirms.channelClosed());
        channel = fresh;
        tracker = confirms;
    }

    private void dropChannel() {
        QuietClose.channel(channel);
        channel = null;
    }
}
