package dev.outboxcdc.consumer;

import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A consumer process that dies the hard way right after its first event's transaction commits and
 * before the message is acked: {@code Runtime.halt}, as a SIGKILL or a power cut would.
 * Arguments: jdbc-url user password amqp-uri exchange consumer-name.
 */
public final class CrashAfterCommitMain {

    /** Exit status of the simulated crash. */
    static final int CRASHED = 137;

    private CrashAfterCommitMain() {}

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        Transactions jdbc = Transactions.jdbc(dataSource);
        Transactions crashAfterCommit = new Transactions() {
            @Override
            public <T> T inTransaction(Work<T> work) throws Exception {
                T result = jdbc.inTransaction(work);
                if (Boolean.TRUE.equals(result)) { // an event's effect committed (not the start-up check)
                    Runtime.getRuntime().halt(CRASHED);
                }
                return result;
            }
        };
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(args[3]);
        OutboxConsumer consumer = OutboxConsumer.builder()
                .name(args[5])
                .transactions(crashAfterCommit)
                .connectionFactory(factory)
                .exchange(args[4])
                .subscribe(Subscription.to(ConsumerFixture.recordingEffect(args[5]), "employee.created"))
                .build();
        consumer.start();
        new CountDownLatch(1).await();
    }
}
