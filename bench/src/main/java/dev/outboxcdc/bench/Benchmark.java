package dev.outboxcdc.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.OutboxTopology;
import java.nio.file.Files;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code scripts/bench.sh}: measures, in one run and on the same workload, the raw publish ceiling, the writers
 * alone, cdc-relay (the real jar, as {@code java -jar} runs it and as the image runs it) and the polling relay it
 * replaces ({@link RelayBench}); then consumer-support next to a hand-written consumer and the broker's delivery rate
 * ({@link ConsumerBench}). Prints and writes the markdown tables ({@code docs/benchmarks.md}). Every number comes
 * from this run.
 */
public final class Benchmark {

    private final BenchOptions options;
    private final ConnectionFactory factory = new ConnectionFactory();
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String exchange = "outbox.bench." + run;
    private final BenchDatabases databases;

    private Benchmark(BenchOptions options) throws Exception {
        this.options = options;
        this.databases = new BenchDatabases(options, run);
        factory.setUri(options.rabbitmqUri());
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(BenchOptions.parse(args)).run();
    }

    private void run() throws Exception {
        Results results = new Results(options, Instant.now());
        declareExchange();
        try {
            if (options.runsRelays()) {
                new RelayBench(options, factory, exchange, databases).measure(results);
            }
            if (options.runs(BenchOptions.CONSUMERS)) {
                String db = databases.create("consumers", 0);
                try {
                    results.consumers = new ConsumerBench(options, factory, exchange).measure(db);
                } finally {
                    databases.drop(db);
                }
            }
        } finally {
            deleteExchange();
        }
        String table = results.markdown(brokerVersion(), databases.postgresVersion());
        System.out.println(table);
        if (options.output() != null) {
            Files.createDirectories(options.output().toAbsolutePath().getParent());
            Files.writeString(options.output(), table);
            System.out.println("bench: wrote " + options.output());
        }
    }

    /** The run's events exchange, as the relay declares it, so the receiver can bind before a relay starts. */
    private void declareExchange() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench")) {
            OutboxTopology.declareEventsExchange(connection, exchange);
        }
    }

    private void deleteExchange() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench");
                Channel channel = connection.createChannel()) {
            channel.exchangeDelete(exchange);
        }
    }

    private String brokerVersion() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench")) {
            return "RabbitMQ " + connection.getServerProperties().get("version");
        }
    }
}
