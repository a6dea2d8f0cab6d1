/** The benchmark: the relay, a polling baseline and consumers measured under load, with the report and its targets. */
package dev.outboxcdc.bench;
