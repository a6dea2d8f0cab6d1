package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.Secrets;
import dev.outboxcdc.relay.publish.PublishAbortedException;
import java.io.IOException;
import java.sql.SQLException;

/**
 * Says what ended an attempt to stream means: an operator must change the configuration (the relay exits), a
 * database, broker or engine failed (retry after a backoff), or publishing stopped because the relay is stopping.
 * Pure: holds only the addresses it names in its messages.
 */
final class Setbacks {

    /** What the supervisor does about a setback. */
    enum Kind {
        /** The relay cannot run as configured: exit with a configuration error. */
        CONFIGURATION,
        /** Something is unavailable or failed: report it, wait a backoff, try again. */
        UNAVAILABLE,
        /** Publishing stopped because the relay is stopping. */
        STOPPED
    }

    /**
     * A classified setback.
     *
     * @param kind   what to do
     * @param detail for the log and the health endpoint; never a password
     */
    record Setback(Kind kind, String detail) {}

    private final String database;
    private final String broker;

    /** Setbacks of a relay configured by {@code config}. */
    Setbacks(OutboxProperties config) {
        this.database = config.db().host() + ":" + config.db().port();
        this.broker = Secrets.maskUri(config.rabbitmq().uri());
    }

    /**
     * What {@code e} means.
     *
     * @throws IllegalArgumentException for an exception that is none of the setbacks the supervisor handles
     */
    Setback classify(Exception e) {
        if (e instanceof RelayConfigurationException) {
            return new Setback(Kind.CONFIGURATION, e.getMessage());
        }
        if (e instanceof SQLException) {
            return new Setback(Kind.UNAVAILABLE, "PostgreSQL at " + database + " is unavailable: " + e.getMessage());
        }
        if (e instanceof IOException) {
            return new Setback(Kind.UNAVAILABLE, "RabbitMQ at " + broker + " is unavailable: " + e.getMessage());
        }
        if (e instanceof EngineFailedException) {
            return new Setback(Kind.UNAVAILABLE, e.getMessage());
        }
        if (e instanceof PublishAbortedException) {
            return new Setback(Kind.STOPPED, e.getMessage());
        }
        throw new IllegalArgumentException(
                "not a setback the supervisor handles: " + e.getClass().getName(), e);
    }
}
