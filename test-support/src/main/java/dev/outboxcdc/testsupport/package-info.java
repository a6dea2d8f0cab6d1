/** Test fixtures against real PostgreSQL and RabbitMQ: isolated databases and names, endpoints, fault injection. */
package dev.outboxcdc.testsupport;
