package dev.outboxcdc.writer;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Version 7 UUIDs (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids written close
 * together in time sort close together, which keeps B-tree indexes on them compact. Thread-safe.
 */
public final class TimeOrderedUuid {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedUuid() {}

    /** A new version 7 UUID for the current time. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    static UUID at(long epochMillis) {
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong();
        long most = (epochMillis << 16) | (0x7L << 12) | randA;
        long least = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(most, least);
    }
}
