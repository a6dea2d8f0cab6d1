package dev.outboxcdc.relay.publish;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for RabbitMQ behind amqp-client's {@link Connection} and {@link Channel} interfaces (Mockito
 * mocks with state). Each publish gets an {@link Outcome} from the script; confirms and returns are delivered on
 * another thread, in publish order, as the client's connection thread would, but only while the publishing thread
 * waits: so a test sees exactly how many messages the publisher sends before it waits for confirms.
 */
final class FakeBroker implements AutoCloseable {

    /** What RabbitMQ does with one publish. */
    enum Outcome {
        ACK,
        NACK,
        RETURN_THEN_ACK,
        REFUSE,
        NO_CONFIRM,
        /** RabbitMQ closes the channel instead of confirming (e.g. a channel error): nothing more is confirmed on it. */
        CLOSE_CHANNEL
    }

    /** Decides the outcome of the {@code attempt}-th publish (from 1) of message {@code id} to {@code exchange}. */
    @FunctionalInterface
    interface Script {
        Outcome outcome(String exchange, String id, int attempt);
    }

    /**
     * One message the client sent.
     *
     * @param channel     which channel (1 = first opened)
     * @param unconfirmed how many messages of that channel were unconfirmed when it was sent
     */
    record Sent(int channel, String exchange, String id, int unconfirmed) {}

    private final Script script;
    private final ScheduledExecutorService connectionThread = Executors.newSingleThreadScheduledExecutor();
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> trace = new ArrayList<>();
    private final List<String> queueDeclarations = new ArrayList<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final List<Channel> channels = new ArrayList<>();
    private final Connection connection = mock(Connection.class);
    private final List<Runnable> pendingConfirms = new ArrayList<>();
    private volatile Thread publishingThread;

    FakeBroker(Script script) throws IOException {
        this.script = script;
        when(connection.isOpen()).thenReturn(true);
        when(connection.createChannel()).thenAnswer(invocation -> newChannel());
        connectionThread.scheduleWithFixedDelay(this::deliverWhilePublisherWaits, 1, 1, TimeUnit.MILLISECONDS);
    }

    private void deliverWhilePublisherWaits() {
        Thread publisher = publishingThread;
        if (publisher == null
                || (publisher.getState() != Thread.State.TIMED_WAITING
                        && publisher.getState() != Thread.State.WAITING)) {
            return;
        }
        List<Runnable> due;
        synchronized (this) {
            due = List.copyOf(pendingConfirms);
            pendingConfirms.clear();
        }
        due.forEach(Runnable::run);
    }

    ConnectionFactory factory() throws Exception {
        ConnectionFactory factory = mock(ConnectionFactory.class);
        when(factory.newConnection(anyString())).thenReturn(connection);
        return factory;
    }

    private Channel newChannel() throws Exception {
        Channel channel = mock(Channel.class);
        State state = new State();
        synchronized (this) {
            channels.add(channel);
            state.number = channels.size();
        }
        when(channel.isOpen()).thenAnswer(invocation -> state.open);
        doAnswer(invocation -> {
                    state.open = false;
                    return null;
                })
                .when(channel)
                .close();
        when(channel.getNextPublishSeqNo()).thenAnswer(invocation -> state.nextSeqNo);
        doAnswer(invocation -> {
                    state.confirms = invocation.getArgument(0);
                    return null;
                })
                .when(channel)
                .addConfirmListener(any(ConfirmListener.class));
        doAnswer(invocation -> {
                    state.returns = invocation.getArgument(0);
                    return null;
                })
                .when(channel)
                .addReturnListener(any(ReturnCallback.class));
        doAnswer(invocation -> {
                    state.shutdownListeners.add(invocation.getArgument(0));
                    return null;
                })
                .when(channel)
                .addShutdownListener(any(ShutdownListener.class));
        when(channel.queueDeclare(anyString(), anyBoolean(), anyBoolean(), anyBoolean(), any()))
                .thenAnswer(invocation -> {
                    synchronized (this) {
                        queueDeclarations.add(invocation.getArgument(0) + " " + invocation.getArgument(4));
                    }
                    return null;
                });
        doAnswer(invocation -> {
                    publish(
                            state,
                            invocation.getArgument(0),
                            invocation.getArgument(1),
                            invocation.getArgument(3),
                            invocation.getArgument(4));
                    return null;
                })
                .when(channel)
                .basicPublish(
                        anyString(), anyString(), anyBoolean(), any(AMQP.BasicProperties.class), any(byte[].class));
        return channel;
    }

    private void publish(
            State state, String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
        publishingThread = Thread.currentThread();
        long seqNo =
                state.nextSeqNo++; // as amqp-client's channel does: the number is used even when the client refuses the
        // message
        String id = properties.getMessageId();
        Outcome outcome;
        synchronized (this) {
            outcome = script.outcome(exchange, id, attempts.merge(exchange + "/" + id, 1, Integer::sum));
            if (outcome == Outcome.REFUSE) {
                throw new IllegalArgumentException("Short string too long; utf-8 encoded length = 300, max = 255.");
            }
            sent.add(new Sent(state.number, exchange, id, state.unconfirmed));
            trace.add("publish " + id);
            state.unconfirmed++;
        }
        if (outcome == Outcome.NO_CONFIRM) {
            return;
        }
        Runnable confirm = () -> {
            if (!state.open) {
                return;
            }
            if (outcome == Outcome.CLOSE_CHANNEL) {
                state.open = false;
                synchronized (this) {
                    trace.add("close channel at " + id);
                }
                ShutdownSignalException cause = new ShutdownSignalException(false, false, null, channel(state));
                state.shutdownListeners.forEach(listener -> listener.shutdownCompleted(cause));
                return;
            }
            if (outcome == Outcome.RETURN_THEN_ACK) {
                state.returns.handle(new Return(312, "NO_ROUTE", exchange, routingKey, properties, body));
            }
            synchronized (this) {
                trace.add((outcome == Outcome.NACK ? "nack " : "ack ") + id);
                state.unconfirmed--;
            }
            try {
                if (outcome == Outcome.NACK) {
                    state.confirms.handleNack(seqNo, false);
                } else {
                    state.confirms.handleAck(seqNo, false);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        synchronized (this) {
            pendingConfirms.add(confirm);
        }
    }

    private synchronized Channel channel(State state) {
        return channels.get(state.number - 1);
    }

    /** Every message sent, in order. */
    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** "publish id", "ack id", "nack id" and "close channel at id" in the order they happened. */
    synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    /** "queue arguments" of every queue declaration. */
    synchronized List<String> queueDeclarations() {
        return List.copyOf(queueDeclarations);
    }

    /** Whether the {@code number}-th channel opened is still open. */
    synchronized boolean channelOpen(int number) {
        return channels.get(number - 1).isOpen();
    }

    @Override
    public void close() {
        connectionThread.shutdownNow();
    }

    private static final class State {
        int number;
        volatile boolean open = true;
        volatile long nextSeqNo = 1;
        int unconfirmed;
        volatile ConfirmListener confirms;
        volatile ReturnCallback returns;
        final List<ShutdownListener> shutdownListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    }
}
