package dev.outboxcdc.writer;

/**
 * The outbox write failed or was attempted where it must not be: outside a transaction, or the
 * database refused the insert. The caller's transaction should roll back.
 */
public class OutboxWriteException extends RuntimeException {

    /** Creates the exception. */
    public OutboxWriteException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public OutboxWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
