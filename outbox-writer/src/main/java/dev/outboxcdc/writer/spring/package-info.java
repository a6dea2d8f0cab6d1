/** Spring Boot auto-configuration of the outbox writer, joining Spring-managed transactions. */
package dev.outboxcdc.writer.spring;
