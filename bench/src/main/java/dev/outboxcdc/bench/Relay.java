package dev.outboxcdc.bench;

/** A relay under test: cdc-relay (the real jar) or the polling baseline. */
interface Relay {

    /** For the table. */
    String name();

    /** Starts it and waits until it publishes; returns the seconds that took. */
    double start() throws Exception;

    /** Peak resident memory of the relay process in KiB, or -1 when it runs inside the benchmark. */
    long peakRssKb();

    /** Stops it. */
    void stop() throws Exception;
}
