package dev.outboxcdc.consumer;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Transactions} without a database, for fast tests: the processed_events table is a set,
 * committed only when the work returns, and the consumer's start-up check finds it; failures queued
 * with {@link #failNext} are thrown before the work runs, as a database that does not answer would.
 */
final class FakeTransactions implements Transactions {

    final Set<UUID> processed = new HashSet<>();
    final AtomicInteger transactions = new AtomicInteger();
    private final Deque<Exception> failures = new ArrayDeque<>();

    FakeTransactions failNext(Exception... next) {
        failures.addAll(java.util.List.of(next));
        return this;
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws Exception {
        transactions.incrementAndGet();
        if (!failures.isEmpty()) {
            throw failures.poll();
        }
        Set<UUID> pending = new HashSet<>();
        T result = work.run(connection(pending));
        processed.addAll(pending);
        return result;
    }

    private Connection connection(Set<UUID> pending) {
        return (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "prepareStatement" -> statement(pending);
                    case "createStatement" -> tableCheck();
                    case "toString" -> "fake connection";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The start-up check that processed_events exists: it does. */
    private Statement tableCheck() {
        return (Statement) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "execute" -> true;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private PreparedStatement statement(Set<UUID> pending) {
        UUID[] eventId = new UUID[1];
        return (PreparedStatement) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setString", "close" -> null;
                    case "setObject" -> {
                        eventId[0] = (UUID) args[1];
                        yield null;
                    }
                    case "executeUpdate" -> processed.contains(eventId[0]) || !pending.add(eventId[0]) ? 0 : 1;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
