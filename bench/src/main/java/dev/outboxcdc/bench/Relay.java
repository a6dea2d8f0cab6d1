package dev.outboxcdc.bench;

/** A relay under test: cdc-relay (the real jar, in one of two ways to run it) or the polling baseline. */
interface Relay {

    /** For the table. */
    String name();

    /** Starts it and waits until it publishes; returns the seconds that took. */
    double start() throws Exception;

    /**
     * CPU seconds (user and system) its process has used since it started, or NaN when it runs inside the
     * benchmark; a phase's CPU is the difference before and after it.
     */
    double cpuSeconds();

    /** Peak resident memory of the relay process in KiB, or -1 when it runs inside the benchmark. */
    long peakRssKb();

    /** Stops it. */
    void stop() throws Exception;
}
