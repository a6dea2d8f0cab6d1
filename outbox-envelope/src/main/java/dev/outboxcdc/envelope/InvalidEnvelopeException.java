package dev.outboxcdc.envelope;

/** A message body that is not a valid envelope; the message says which rule it breaks. */
public class InvalidEnvelopeException extends RuntimeException {

    /** Creates the exception with the reason the body was rejected. */
    public InvalidEnvelopeException(String reason) {
        super(reason);
    }

    /** Creates the exception with the reason and the parser's error. */
    public InvalidEnvelopeException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
