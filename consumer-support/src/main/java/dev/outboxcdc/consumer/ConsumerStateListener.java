package dev.outboxcdc.consumer;

/** Told when an {@link OutboxConsumer}'s {@link ConsumerState} changes; called on a consumer thread, keep it short. */
@FunctionalInterface
public interface ConsumerStateListener {

    /** The consumer is now in {@code state}. */
    void changed(ConsumerState state);
}
