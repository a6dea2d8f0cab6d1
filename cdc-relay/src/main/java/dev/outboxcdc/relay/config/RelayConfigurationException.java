package dev.outboxcdc.relay.config;

/**
 * The relay cannot run as configured: retrying will not help until an operator changes the
 * configuration or the database. The message says what to change. The relay exits non-zero.
 */
public class RelayConfigurationException extends RuntimeException {

    /** Creates the exception with a message that says how to fix the problem. */
    public RelayConfigurationException(String message) {
        super(message);
    }
}
