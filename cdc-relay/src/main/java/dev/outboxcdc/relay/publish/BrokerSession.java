package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The relay's connection to RabbitMQ: connects (automatic recovery off: the relay reconnects itself, to the first
 * node of the address list that answers), declares the topology on every new connection, runs the
 * {@link UnroutedCounter} on it and reports the connection's state to {@link RelayStatus}. Channels to publish on are
 * opened here; what is published on them is {@link ConfirmingPublisher}'s business.
 *
 * <p>Threads: {@link #connect()}, {@link #newChannel()}, {@link #declareAgain()} and {@link #disconnected} are
 * synchronized (the supervisor's thread connects before the engine runs, the publishing thread afterwards);
 * {@link #close()} is not, so a shutdown never waits for a connection attempt. The connection and what the topology
 * declaration said are volatile: the unrouted counter reads the connection from its own thread, and the client
 * reports a lost connection on its own thread.
 */
public final class BrokerSession implements AutoCloseable {

    private static final String CONNECTION_NAME = "cdc-relay";

    /** Declares the topology on a fresh connection; {@link Topology#declare} outside tests. */
    @FunctionalInterface
    interface TopologyDeclaration {
        /** Returns whether the events exchange routes unroutable messages to {@code outbox.unrouted} by itself. */
        boolean declare(Connection connection) throws IOException;
    }

    private final BrokerConnector broker;
    private final TopologyDeclaration topology;
    private final RelayStatus status;
    private final UnroutedCounter unrouted;

    private volatile Connection connection;
    private volatile boolean routesUnroutable = true;

    /**
     * A session that connects on first use or on {@link #connect()}.
     *
     * @param broker   where to connect
     * @param topology the exchange and the queues to declare on every connection
     * @param status   told when the connection opens and when it is lost
     * @param metrics  where the unrouted events are counted
     */
    public BrokerSession(BrokerConnector broker, TopologySettings topology, RelayStatus status, RelayMetrics metrics) {
        this(broker, new Topology(topology)::declare, status, metrics, UnroutedCounter.POLL_INTERVAL);
    }

    BrokerSession(
            BrokerConnector broker,
            TopologyDeclaration topology,
            RelayStatus status,
            RelayMetrics metrics,
            Duration unroutedPollInterval) {
        this.broker = broker;
        this.topology = topology;
        this.status = status;
        this.unrouted = new UnroutedCounter(metrics, () -> connection, unroutedPollInterval);
    }

    /** Connects and declares the topology now, unless connected: so start-up reports a broker that is down. */
    public synchronized void connect() throws IOException {
        open();
    }

    private Connection open() throws IOException {
        Connection current = connection;
        if (current != null && current.isOpen()) {
            return current;
        }
        Connection fresh;
        try {
            fresh = broker.connect(CONNECTION_NAME);
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting to " + broker.description(), e);
        }
        fresh.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                status.brokerConnected(false, broker.description() + ": " + cause.getMessage());
            }
        });
        try {
            routesUnroutable = topology.declare(fresh);
        } catch (IOException | RuntimeException e) {
            QuietClose.connection(fresh);
            throw e;
        }
        connection = fresh;
        unrouted.start();
        status.brokerConnected(true, broker.description());
        return fresh;
    }

    /** A new channel on the connection, connecting first when there is none. */
    synchronized Channel newChannel() throws IOException {
        Channel fresh = open().createChannel();
        if (fresh == null) {
            throw new IOException("no channel available on the RabbitMQ connection");
        }
        return fresh;
    }

    /**
     * Whether the events exchange has {@code outbox.unrouted} as its alternate exchange, as the last declaration
     * found; when not, the relay re-publishes what RabbitMQ returns to {@code outbox.unrouted} itself.
     */
    boolean routesUnroutable() {
        return routesUnroutable;
    }

    /** Declares the topology again on the open connection (a queue was deleted); drops the connection if that fails. */
    synchronized void declareAgain() {
        try {
            Connection current = connection;
            if (current != null && current.isOpen()) {
                routesUnroutable = topology.declare(current);
            }
        } catch (IOException | AlreadyClosedException e) {
            dropConnection(); // connecting again declares the topology
        }
    }

    /** The connection failed for {@code reason}: reports it and drops the connection, so the next use reconnects. */
    synchronized void disconnected(String reason) {
        status.brokerConnected(false, broker.description() + ": " + reason);
        dropConnection();
    }

    /** Counts {@code count} events the relay re-published to {@code outbox.unrouted} and RabbitMQ confirmed. */
    void unroutedRepublished(int count) {
        unrouted.republishedByRelay(count);
    }

    private void dropConnection() {
        Connection current = connection;
        connection = null;
        QuietClose.connection(current);
    }

    /** Closes the connection; a batch being published is not confirmed. */
    @Override
    public void close() {
        unrouted.close();
        dropConnection();
        status.brokerConnected(false, "closed by the relay");
    }
}
