/** Spring Boot auto-configuration of outbox consumers from {@code outbox.consumer.*} properties, with health and lifecycle. */
package dev.outboxcdc.consumer.spring;
