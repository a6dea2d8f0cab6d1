package dev.outboxcdc.relay.config;

import org.springframework.boot.ExitCodeGenerator;

/**
 * A configuration value the relay cannot start with; the message names the property and the fix. When
 * it stops the start of the application, the process exits with code 2, like every configuration error.
 */
public class InvalidSettingException extends RelayConfigurationException implements ExitCodeGenerator {

    private final String property;

    /** Creates the exception for {@code property} holding {@code value}, which {@code problem}. */
    public InvalidSettingException(String property, String value, String problem) {
        super(property + "='" + value + "' " + problem);
        this.property = property;
    }

    /** Exit code 2, a configuration error. */
    @Override
    public int getExitCode() {
        return 2;
    }

    /** The property at fault, e.g. {@code outbox.slot}. */
    public String property() {
        return property;
    }
}
