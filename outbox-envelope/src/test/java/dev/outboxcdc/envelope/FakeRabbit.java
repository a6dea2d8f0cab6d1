package dev.outboxcdc.envelope;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A RabbitMQ behind amqp-client's {@link Connection} and {@link Channel} interfaces (dynamic proxies with state) that
 * records every declaration, as {@code "method arg arg …"} with maps in key order, and refuses the ones a test names
 * as RabbitMQ does: the channel closes and the call throws an {@link IOException} caused by the channel's close.
 */
final class FakeRabbit {

    private static final Set<String> DECLARATIONS = Set.of(
            "exchangeDeclare",
            "exchangeDeclarePassive",
            "queueDeclare",
            "queueDeclarePassive",
            "queueBind",
            "exchangeBind",
            "queueDelete");

    private final List<String> calls = new ArrayList<>();
    private final Map<String, AMQP.Channel.Close> refusals = new LinkedHashMap<>();
    private final List<boolean[]> channels = new ArrayList<>();
    private final Connection connection = proxy(Connection.class, (method, arguments) -> {
        if (method.getName().equals("createChannel") && arguments.length == 0) {
            return newChannel();
        }
        return defaultValue(method);
    });

    Connection connection() {
        return connection;
    }

    /** Refuses every call that starts with {@code call} (e.g. {@code "queueDeclare outbox.unrouted"}). */
    FakeRabbit refuse(String call, int replyCode, String replyText) {
        refusals.put(
                call,
                new AMQP.Channel.Close.Builder()
                        .replyCode(replyCode)
                        .replyText(replyText)
                        .build());
        return this;
    }

    /** The declarations made, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    /** How many channels were opened. */
    int channelsOpened() {
        return channels.size();
    }

    /** How many channels were opened and are still open. */
    long openChannels() {
        return channels.stream().filter(open -> open[0]).count();
    }

    private Channel newChannel() {
        boolean[] open = {true};
        channels.add(open);
        Channel[] self = new Channel[1];
        self[0] = proxy(Channel.class, (method, arguments) -> answer(self[0], method, arguments, open));
        return self[0];
    }

    private Object answer(Channel channel, Method method, Object[] arguments, boolean[] open) throws IOException {
        String name = method.getName();
        if (name.equals("isOpen")) {
            return open[0];
        }
        if (name.equals("close") && arguments.length == 0) {
            open[0] = false;
            return null;
        }
        if (!DECLARATIONS.contains(name)) {
            return defaultValue(method);
        }
        String call =
                name + " " + Arrays.stream(arguments).map(FakeRabbit::text).collect(Collectors.joining(" "));
        calls.add(call);
        for (Map.Entry<String, AMQP.Channel.Close> refusal : refusals.entrySet()) {
            if (call.equals(refusal.getKey()) || call.startsWith(refusal.getKey() + " ")) {
                open[0] = false;
                throw new IOException(new ShutdownSignalException(false, false, refusal.getValue(), channel));
            }
        }
        return null;
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Method method, Object[] arguments) throws IOException;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(
                FakeRabbit.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
                    Object[] given = arguments == null ? new Object[0] : arguments;
                    return switch (method.getName()) {
                        case "equals" -> proxy == given[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(proxy);
                        default -> handler.handle(method, given);
                    };
                }));
    }

    /** What a method returns when the fake has nothing to say: null, or the zero of a primitive. */
    private static Object defaultValue(Method method) {
        Class<?> type = method.getReturnType();
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }

    private static String text(Object argument) {
        if (argument instanceof Map<?, ?> map) {
            return new TreeMap<>(map).toString();
        }
        if (argument instanceof BuiltinExchangeType type) {
            return type.getType();
        }
        if ("".equals(argument)) {
            return "''";
        }
        return String.valueOf(argument);
    }
}
