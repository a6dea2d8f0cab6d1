package dev.outboxcdc.relay.offsets;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Whether the offsets of one engine run are being stored: shared between the
 * {@link PostgresOffsetBackingStore} Debezium creates by class name (it finds this object through the
 * engine property {@link #KEY}) and the batch handler, which must not publish more while offsets cannot
 * be stored. Thread-safe.
 */
public final class OffsetWriteStatus {

    /** Engine property naming the status of the engine run. */
    public static final String KEY = "outbox.offsets.status-key";

    private static final ConcurrentMap<String, OffsetWriteStatus> RUNS = new ConcurrentHashMap<>();

    private final String key;
    private volatile boolean writing;
    private volatile String failure;

    private OffsetWriteStatus(String key) {
        this.key = key;
    }

    /** Creates and registers the status of an engine run; {@link #close()} forgets it. */
    public static OffsetWriteStatus register(String key) {
        OffsetWriteStatus status = new OffsetWriteStatus(key);
        RUNS.put(key, status);
        return status;
    }

    /** The status registered under {@code key}, or a fresh unregistered one (e.g. the class-data training start). */
    static OffsetWriteStatus lookup(String key) {
        OffsetWriteStatus status = key == null ? null : RUNS.get(key);
        return status != null ? status : new OffsetWriteStatus(key);
    }

    /** The key the store finds this status by. */
    public String key() {
        return key;
    }

    /** A write began. */
    public void writing() {
        writing = true;
    }

    /** The write succeeded. */
    public void stored() {
        failure = null;
        writing = false;
    }

    /** The write failed for {@code reason}. */
    public void failed(String reason) {
        failure = reason;
        writing = false;
    }

    /**
     * Why the offsets confirmed so far are not stored: the last write failed, or it is still hanging after the engine
     * stopped waiting for it; null when they are stored.
     */
    public String problem() {
        String reason = failure;
        if (reason != null) {
            return reason;
        }
        return writing ? "the offset write did not finish in time" : null;
    }

    /** Forgets this status. */
    public void close() {
        RUNS.remove(key, this);
    }
}
