package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.health.SlotLagMonitor;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the relay's life to the application's. The relay's data path (checks, RabbitMQ, cut-over,
 * Debezium) starts as soon as this bean exists, while Spring still creates the web layer and the
 * actuator, instead of after the web server started: the two halves of the start overlap. Readiness
 * is unaffected, it follows the relay's state. Stops first on shutdown (highest phase), or when
 * the context fails to start after the relay did.
 */
final class RelayLifecycle implements SmartLifecycle, DisposableBean {

    private final RelaySupervisor supervisor;
    private final SlotLagMonitor slotLag;
    private final OutboxProperties config;
    private boolean running;

    RelayLifecycle(RelaySupervisor supervisor, SlotLagMonitor slotLag, OutboxProperties config) {
        this.supervisor = supervisor;
        this.slotLag = slotLag;
        this.config = config;
    }

    @Override
    public synchronized void start() {
        if (!running) {
            supervisor.start();
            slotLag.start();
            running = true;
        }
    }

    @Override
    public synchronized void stop() {
        if (running) {
            running = false;
            slotLag.stop();
            supervisor.stop(config.shutdownTimeout());
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** A context that failed to start after the relay did is destroyed without being stopped: stop here. */
    @Override
    public void destroy() {
        stop();
    }
}
