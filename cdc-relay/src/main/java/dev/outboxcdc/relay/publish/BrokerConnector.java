package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Opens connections to the broker: to the factory's host, or to the first node of {@code addresses}
 * that answers (a cluster), each connection starting over at the top of the list.
 *
 * @param factory     credentials, virtual host, TLS and timeouts
 * @param addresses   the cluster's nodes, or empty for the factory's host
 * @param description where it connects, for logs: never a password
 */
public record BrokerConnector(ConnectionFactory factory, List<Address> addresses, String description) {

    /** Copies the list. */
    public BrokerConnector {
        addresses = List.copyOf(addresses);
    }

    Connection connect(String name) throws IOException, TimeoutException {
        return addresses.isEmpty() ? factory.newConnection(name) : factory.newConnection(addresses, name);
    }
}
