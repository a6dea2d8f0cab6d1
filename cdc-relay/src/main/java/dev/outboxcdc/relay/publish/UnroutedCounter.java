package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.AmqpChannels;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.health.RelayMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, in {@code outbox_relay_events_unrouted_total}, the events that went to queue {@code outbox.unrouted},
 * without any queue of its own (a consuming side queue bound to the {@code outbox.unrouted} exchange would make
 * RabbitMQ route events to it, and discard them, when the durable queue is deleted).
 *
 * <p>The counter is the sum of two parts:
 * <ol>
 * <li><b>Exact:</b> events the relay re-published to {@code outbox.unrouted} itself after RabbitMQ returned them
 * (events exchange without alternate exchange, or queue {@code outbox.unrouted} deleted), counted once each when
 * RabbitMQ confirms the re-publish (an event returned twice within one batch is counted once).</li>
 * <li><b>Estimated:</b> events the alternate exchange routed to the queue silently (RabbitMQ tells the publisher
 * nothing about those). Every {@link #POLL_INTERVAL} the relay reads the queue's ready-message count with a passive
 * declare and adds the growth since the last read, minus what it re-published itself in between (part 1), when
 * positive. This undercounts events a consumer of {@code outbox.unrouted} took between two reads, and counts events
 * other publishers (another relay on another exchange sharing the queue) routed there. It is exact while the relay
 * is the only publisher and nobody consumes the queue. Events already in the queue when the relay connects are
 * not counted.</li>
 * </ol>
 *
 * <p>A read that finds the queue missing is logged once; the queue is declared again (with its arguments) by the
 * publisher before anything is routed to it: while it is missing, an unroutable event comes back to the relay as a
 * return. Thread-safe; polls on a daemon thread of its own.
 */
final class UnroutedCounter implements AutoCloseable {

    /** How often the queue depth is read. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(UnroutedCounter.class);
    private static final int NOT_FOUND = 404;

    private final RelayMetrics metrics;
    private final Supplier<Connection> connection;
    private final Duration interval;
    private final AtomicLong republishedByRelay = new AtomicLong();
    private long lastDepth = -1;
    private long lastRepublished;
    private boolean missing;
    private ScheduledExecutorService poller;

    UnroutedCounter(RelayMetrics metrics, Supplier<Connection> connection, Duration interval) {
        this.metrics = metrics;
        this.connection = connection;
        this.interval = interval;
    }

    /** Starts polling, unless it already runs. */
    synchronized void start() {
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "outbox-unrouted-counter");
                thread.setDaemon(true);
                return thread;
            });
            poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Counts {@code count} events the relay re-published to {@code outbox.unrouted} and RabbitMQ confirmed. */
    void republishedByRelay(int count) {
        metrics.unrouted(count);
        republishedByRelay.addAndGet(count);
    }

    void poll() {
        Connection current = connection.get();
        if (current == null || !current.isOpen()) {
            return;
        }
        Channel channel = null;
        try {
            channel = current.createChannel();
            if (channel != null) {
                long depth = channel.queueDeclarePassive(OutboxAmqp.UNROUTED).getMessageCount();
                observe(depth, republishedByRelay.get());
            }
        } catch (IOException e) {
            if (isNotFound(e)) {
                queueMissing();
            } else {
                log.debug("Reading the depth of queue {} failed", OutboxAmqp.UNROUTED, e);
            }
        } catch (RuntimeException e) {
            log.debug("Reading the depth of queue {} failed", OutboxAmqp.UNROUTED, e);
        } finally {
            QuietClose.channel(channel);
        }
    }

    /** Adds the growth of the queue not explained by the relay's own re-publishes. */
    synchronized void observe(long depth, long republished) {
        if (missing) {
            missing = false;
            log.info("Queue {} exists again", OutboxAmqp.UNROUTED);
        }
        if (lastDepth >= 0) {
            long routedByBroker = depth - lastDepth - (republished - lastRepublished);
            if (routedByBroker > 0) {
                metrics.unrouted((int) Math.min(Integer.MAX_VALUE, routedByBroker));
            }
        }
        lastDepth = depth;
        lastRepublished = republished;
    }

    private synchronized void queueMissing() {
        if (!missing) {
            missing = true;
            log.warn(
                    "Queue {} is missing: the relay declares it again before it re-publishes the next event RabbitMQ"
                            + " returns as unroutable",
                    OutboxAmqp.UNROUTED);
        }
        lastDepth = 0;
        lastRepublished = republishedByRelay.get();
    }

    private static boolean isNotFound(IOException e) {
        return AmqpChannels.replyCode(e) == NOT_FOUND;
    }

    /** Stops polling. */
    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }
}
