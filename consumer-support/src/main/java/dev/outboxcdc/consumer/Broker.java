package dev.outboxcdc.consumer;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * Where a consumer connects and what it declares there.
 *
 * @param factory   credentials, virtual host, TLS; automatic recovery on
 * @param addresses a cluster's nodes, or empty for the factory's host
 * @param exchange  the events exchange
 * @param queueType the type of the queues declared
 */
record Broker(ConnectionFactory factory, List<Address> addresses, String exchange, QueueType queueType) {

    Connection connect(ExecutorService executor, String name) throws IOException, TimeoutException {
        return addresses.isEmpty()
                ? factory.newConnection(executor, name)
                : factory.newConnection(executor, addresses, name);
    }

    Connection connect(String name) throws IOException, TimeoutException {
        return addresses.isEmpty() ? factory.newConnection(name) : factory.newConnection(addresses, name);
    }
}
