package dev.outboxcdc.testsupport;

import java.util.UUID;

/** Unique, identifier-safe names for databases, slots, exchanges and queues of one test. */
public final class UniqueNames {

    private UniqueNames() {}

    /** {@code prefix_} followed by 12 random lower-case hex digits. */
    public static String of(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
