package dev.outboxcdc.relay.engine;

/**
 * The offsets of confirmed events could not be stored: the engine stops before it publishes more, and the
 * supervisor starts it again, from the last stored offset, once offsets can be written.
 */
class OffsetsNotStoredException extends RuntimeException {

    OffsetsNotStoredException(String reason) {
        super(reason + "; stopped publishing until offsets can be stored");
    }
}
