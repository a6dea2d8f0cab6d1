package dev.outboxcdc.testsupport;

import java.time.Duration;
import java.time.Instant;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Ready when a probe run from the test JVM succeeds, e.g. a real JDBC or AMQP connection.
 *
 * <p>For containers on the host's network: they publish no ports, so neither Testcontainers' port checks nor
 * an image-specific log line (the Debian stand-ins log differently from the official images) tell readiness.
 */
final class ProbeWaitStrategy extends AbstractWaitStrategy {

    /** A readiness check; it throws while the service is not ready. */
    @FunctionalInterface
    interface Probe {
        void check() throws Exception;
    }

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final String what;
    private final Probe probe;

    ProbeWaitStrategy(String what, Probe probe) {
        this.what = what;
        this.probe = probe;
    }

    @Override
    protected void waitUntilReady() {
        Instant deadline = Instant.now().plus(startupTimeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!waitStrategyTarget.isRunning()) {
                throw new ContainerLaunchException(what + ": the container stopped before it was ready");
            }
            try {
                probe.check();
                return;
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerLaunchException(what + ": interrupted while waiting", e);
            }
        }
        throw new ContainerLaunchException(
                what + " not ready after " + startupTimeout.toSeconds() + " s: " + (last == null ? "" : last), last);
    }
}
