/** The demo's driver: paced and burst load, publish and effect latencies, the report printed at the end. */
package dev.outboxcdc.examples.demo;
