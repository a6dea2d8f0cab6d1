package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.OutboxConsumer;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's {@link OutboxConsumer} with the context (unless {@code outbox.consumer.auto-startup=false})
 * and closes it first on shutdown, letting the deliveries in hand finish. {@link #isRunning()} is true from a
 * successful start until stop, whatever the consumer's own {@link OutboxConsumer#state() state}.
 */
public final class OutboxConsumerLifecycle implements SmartLifecycle {

    private final OutboxConsumer consumer;
    private final boolean autoStartup;
    private volatile boolean running;

    /** Manages {@code consumer}; starts it with the context when {@code autoStartup}. */
    public OutboxConsumerLifecycle(OutboxConsumer consumer, boolean autoStartup) {
        this.consumer = consumer;
        this.autoStartup = autoStartup;
    }

    @Override
    public void start() {
        consumer.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        consumer.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }
}
