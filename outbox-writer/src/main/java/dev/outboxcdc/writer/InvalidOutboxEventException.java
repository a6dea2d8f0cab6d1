package dev.outboxcdc.writer;

/** An event that cannot be written; raised before any SQL runs. The message says what is wrong. */
public class InvalidOutboxEventException extends IllegalArgumentException {

    /** Creates the exception. */
    public InvalidOutboxEventException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public InvalidOutboxEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
