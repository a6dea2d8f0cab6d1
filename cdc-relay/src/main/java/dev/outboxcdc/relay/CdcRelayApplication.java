package dev.outboxcdc.relay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import sun.misc.Signal;

/**
 * cdc-relay: tails the PostgreSQL WAL and publishes every committed outbox insert to RabbitMQ.
 * SIGTERM (and SIGINT) drain in-flight confirms, commit offsets and exit 0.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CdcRelayApplication {

    /** Starts the relay. */
    public static void main(String[] args) {
        // A stop requested by the platform is a normal exit: Spring's shutdown hook drains the relay,
        // then the process exits 0 instead of the JVM's default 143.
        Signal.handle(new Signal("TERM"), signal -> System.exit(0));
        Signal.handle(new Signal("INT"), signal -> System.exit(0));
        SpringApplication.run(CdcRelayApplication.class, args);
    }
}
