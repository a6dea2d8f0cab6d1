package dev.outboxcdc.consumer;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.outboxcdc.envelope.QueueType;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One instance of a partitioned consumer in a process of its own, for tests that kill it: records
 * each event's aggregate and sequence number in table {@code applied}, in handling order.
 *
 * <p>Arguments: jdbc-url user password amqp-uri addresses(or "-") exchange name partitions queue-type.
 */
public final class PartitionedConsumerMain {

    private PartitionedConsumerMain() {}

    public static void main(String[] args) throws Exception {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(args[0]);
        dataSource.setUsername(args[1]);
        dataSource.setPassword(args[2]);
        dataSource.setMaximumPoolSize(4);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[3]);
        factory.setNetworkRecoveryInterval(500);
        List<Address> addresses = args[4].equals("-") ? List.of() : List.of(Address.parseAddresses(args[4]));
        OutboxConsumer consumer = OutboxConsumer.builder()
                .name(args[6])
                .dataSource(dataSource)
                .connectionFactory(factory)
                .addresses(addresses)
                .exchange(args[5])
                .queueType(QueueType.parse(args[8]))
                .subscribe(Subscription.to(
                                (event, connection) -> {
                                    try (PreparedStatement insert = connection.prepareStatement(
                                            "INSERT INTO applied (aggregate, seq, event_id, instance) VALUES (?, ?, ?, ?)")) {
                                        insert.setString(
                                                1, event.data().get("aggregate").textValue());
                                        insert.setInt(2, event.data().get("seq").intValue());
                                        insert.setObject(3, event.eventId());
                                        insert.setLong(
                                                4, ProcessHandle.current().pid());
                                        insert.executeUpdate();
                                    }
                                },
                                "ledger.#")
                        .withPartitions(Integer.parseInt(args[7]))
                        .withPrefetch(20))
                .build();
        consumer.start();
        new CountDownLatch(1).await();
    }
}
