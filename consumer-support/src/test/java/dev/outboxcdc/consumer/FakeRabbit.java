package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An amqp-client {@link Connection} and its {@link Channel}s without a broker, for fast tests: every call on a
 * channel is recorded, and a test delivers, cancels and closes the way the broker would.
 */
final class FakeRabbit {

    /** The channels created, in order. */
    final List<FakeChannel> channels = new CopyOnWriteArrayList<>();
    /** How many of the next createChannel calls fail (return null, as amqp-client does without a free channel). */
    final AtomicInteger refuseChannels = new AtomicInteger();
    /** How many of the next published messages the broker returns as unroutable (a mandatory publish to no queue). */
    final AtomicInteger returnNext = new AtomicInteger();
    /** How many of the next waits for confirms end in a nack. */
    final AtomicInteger nackNext = new AtomicInteger();

    final Connection connection = proxy(Connection.class, (method, args) -> switch (method) {
        case "createChannel" -> {
            if (refuseChannels.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                yield null;
            }
            FakeChannel channel = new FakeChannel(this);
            channels.add(channel);
            yield channel.channel;
        }
        case "isOpen" -> true;
        default -> throw new UnsupportedOperationException(method);
    });

    /** The last channel created. */
    FakeChannel last() {
        return channels.get(channels.size() - 1);
    }

    /** One channel: what was called on it, and the broker's side of it. */
    static final class FakeChannel {

        final List<String> calls = new CopyOnWriteArrayList<>();
        private final FakeRabbit broker;
        private final List<ShutdownListener> shutdownListeners = new CopyOnWriteArrayList<>();
        private final List<ReturnCallback> returnCallbacks = new CopyOnWriteArrayList<>();
        private volatile boolean open = true;
        private volatile Consumer consumer;
        final Channel channel;

        FakeChannel(FakeRabbit broker) {
            this.broker = broker;
            this.channel = proxy(Channel.class, this::answer);
        }

        private Object answer(String method, Object[] args) throws Exception {
            switch (method) {
                case "confirmSelect" -> calls.add("confirmSelect");
                case "addReturnListener" -> returnCallbacks.add((ReturnCallback) args[0]);
                case "basicPublish" -> {
                    calls.add("basicPublish " + args[1] + " mandatory=" + args[2]);
                    if (broker.returnNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        Return returned = new Return(
                                312,
                                "NO_ROUTE",
                                (String) args[0],
                                (String) args[1],
                                (AMQP.BasicProperties) args[3],
                                (byte[]) args[4]);
                        returnCallbacks.forEach(callback -> callback.handle(returned));
                    }
                }
                case "waitForConfirmsOrDie" -> {
                    calls.add("waitForConfirmsOrDie");
                    if (broker.nackNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        open = false; // amqp-client closes the channel on a nack
                        throw new IOException("nacks received");
                    }
                }
                case "basicQos" -> calls.add("basicQos " + args[0]);
                case "basicConsume" -> {
                    calls.add("basicConsume " + args[0]);
                    consumer = (Consumer) args[args.length - 1];
                    return "consumer-tag";
                }
                case "basicAck" -> calls.add("basicAck " + args[0]);
                case "basicNack" -> calls.add("basicNack " + args[0] + " requeue=" + args[2]);
                case "basicCancel" -> calls.add("basicCancel " + args[0]);
                case "addShutdownListener" -> shutdownListeners.add((ShutdownListener) args[0]);
                case "isOpen" -> {
                    return open;
                }
                case "abort" -> {
                    calls.add("abort");
                    open = false;
                }
                default -> throw new UnsupportedOperationException(method);
            }
            return null;
        }

        /** The broker delivers a message with {@code deliveryTag} to the consumer, on the calling thread. */
        void deliver(long deliveryTag, byte[] body) throws Exception {
            consumer.handleDelivery(
                    "consumer-tag",
                    new Envelope(deliveryTag, false, "outbox.events", "employee.created"),
                    new AMQP.BasicProperties(),
                    body);
        }

        /** The broker cancels the consumer, as when its queue is deleted. */
        void cancelByBroker() throws Exception {
            consumer.handleCancel("consumer-tag");
        }

        /** The broker closes the channel by itself (a channel error, a delivery held past consumer_timeout). */
        void closeByBroker() {
            open = false;
            AMQP.Channel.Close close = new AMQP.Channel.Close.Builder()
                    .replyCode(406)
                    .replyText("PRECONDITION_FAILED - delivery acknowledgement timed out")
                    .build();
            ShutdownSignalException cause = new ShutdownSignalException(false, false, close, channel);
            shutdownListeners.forEach(listener -> listener.shutdownCompleted(cause));
        }
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> switch (method.getName()) {
                    case "toString" -> "fake " + type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> answer.answer(method.getName(), args);
                }));
    }
}
