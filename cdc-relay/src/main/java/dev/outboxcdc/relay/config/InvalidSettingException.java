package dev.outboxcdc.relay.config;

/** A configuration value the relay cannot start with; the message names the property and the fix. */
public class InvalidSettingException extends RelayConfigurationException {

    private final String property;

    /** Creates the exception for {@code property} holding {@code value}, which {@code problem}. */
    public InvalidSettingException(String property, String value, String problem) {
        super(property + "='" + value + "' " + problem);
        this.property = property;
    }

    /** The property at fault, e.g. {@code outbox.slot}. */
    public String property() {
        return property;
    }
}
