package dev.outboxcdc.relay;

import dev.outboxcdc.relay.engine.RelayExit;
import dev.outboxcdc.relay.health.RelayStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** cdc-relay started inside the test JVM; {@link #close()} stops it as SIGTERM would. */
public final class InProcessRelay implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final AtomicInteger exitCode;

    private InProcessRelay(ConfigurableApplicationContext context, AtomicInteger exitCode) {
        this.context = context;
        this.exitCode = exitCode;
    }

    /** Starts a relay with {@code settings} and waits until it is ready. */
    public static InProcessRelay startReady(RelaySettings settings) {
        InProcessRelay relay = start(settings);
        relay.awaitReady(Duration.ofSeconds(60));
        return relay;
    }

    /** Starts a relay with {@code settings} without waiting. */
    public static InProcessRelay start(RelaySettings settings) {
        AtomicInteger exitCode = new AtomicInteger(-1);
        Map<String, String> properties = new HashMap<>(settings.properties());
        properties.put("server.port", "0");
        // As command-line arguments: they take precedence over application.yml, as an operator's settings do.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CdcRelayApplication.class)
                .initializers(ctx -> ((org.springframework.context.support.GenericApplicationContext) ctx)
                        .registerBean(RelayExit.class, () -> exitCode::set))
                .run(args);
        return new InProcessRelay(context, exitCode);
    }

    /** Waits until the relay streams with the broker connected. */
    public void awaitReady(Duration timeout) {
        Awaitility.await("relay ready")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(this::isReady);
    }

    /** Whether the relay is ready. */
    public boolean isReady() {
        return context.getBean(RelayStatus.class).isReady();
    }

    /** The exit code requested by the relay, or -1. */
    public int exitCode() {
        return exitCode.get();
    }

    /** The application context. */
    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
