package dev.outboxcdc.consumer.spring;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ListAddressResolver;
import java.util.List;

/**
 * A {@link ConnectionFactory} for several brokers ({@code spring.rabbitmq.addresses=a:5672,b:5672}): a
 * connection asked for this factory's own host and port (as {@code newConnection(executor, name)} does)
 * tries every address in turn, at the first connection and at each automatic recovery. Its host and port
 * are the first address's. A caller passing addresses of its own connects to those.
 */
final class AddressListConnectionFactory extends ConnectionFactory {

    private final List<Address> addresses;

    AddressListConnectionFactory(List<Address> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one address");
        }
        this.addresses = List.copyOf(addresses);
        setHost(this.addresses.get(0).getHost());
        setPort(this.addresses.get(0).getPort());
    }

    /** The addresses tried, in order. */
    List<Address> addresses() {
        return addresses;
    }

    @Override
    protected AddressResolver createAddressResolver(List<Address> requested) {
        if (requested.size() == 1 && requested.get(0).equals(new Address(getHost(), getPort()))) {
            return new ListAddressResolver(addresses);
        }
        return super.createAddressResolver(requested);
    }
}
