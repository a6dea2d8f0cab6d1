package dev.outboxcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the three-node cluster of scripts/rabbitmq-cluster.sh is what the *ClusterIT tests need, and
 * pins down the RabbitMQ 3.10 behaviour they build on (consistent-hash routing, quorum retry queues).
 */
class RabbitClusterIT {

    private static final Duration NODE_CHANGE = Duration.ofMinutes(2);
    private static final Map<String, Object> QUORUM = Map.of("x-queue-type", "quorum");

    private RabbitCluster cluster;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void clusterRuns() {
        // Per test, not in @BeforeAll: Maven reports a test skipped here as skipped, with the message.
        cluster = RabbitCluster.assumeConfigured();
        cluster.awaitAllRunning(NODE_CHANGE);
    }

    @AfterEach
    void cleanUp() {
        if (cluster == null) {
            return; // skipped
        }
        connections.forEach(RabbitClusterIT::closeQuietly);
        queues.forEach(cluster::deleteQueue);
        exchanges.forEach(cluster::deleteExchange);
    }

    @Test
    void runsThreeNodesAsOneCluster() {
        assertThat(cluster.nodes()).hasSize(3);
        assertThat(cluster.runningNodes()).containsExactlyInAnyOrderElementsOf(cluster.nodes());
        assertThat(String.join("\n", cluster.ctl(cluster.nodes().get(0), "cluster_status")))
                .contains(cluster.nodes());
    }

    @Test
    void quorumQueueDeclaredThroughTheAddressListHasALeaderAndThreeMembers() throws IOException {
        String queue = quorumQueue("cluster_qq");
        Connection connection = track(cluster.connect("cluster-it-declare"));
        connection.createChannel().queueDeclare(queue, true, false, false, QUORUM);

        QuorumReplicas replicas = cluster.replicasOf(queue);

        assertThat(replicas.members()).containsExactlyInAnyOrderElementsOf(cluster.nodes());
        assertThat(replicas.online()).containsExactlyInAnyOrderElementsOf(cluster.nodes());
        assertThat(cluster.nodes()).contains(replicas.leader());
        // 3.10 places a new quorum queue's leader on the node the declaring client is connected to.
        assertThat(replicas.leader()).isEqualTo(cluster.nodeOf(connection));
    }

    /** How a test takes a node away and brings it back. */
    enum Outage {
        NODE {
            @Override
            void stop(RabbitCluster cluster, String node) {
                cluster.stopNode(node);
            }

            @Override
            void start(RabbitCluster cluster, String node) {
                cluster.startNode(node);
            }
        },
        APP {
            @Override
            void stop(RabbitCluster cluster, String node) {
                cluster.stopApp(node);
            }

            @Override
            void start(RabbitCluster cluster, String node) {
                cluster.startApp(node);
            }
        };

        abstract void stop(RabbitCluster cluster, String node);

        abstract void start(RabbitCluster cluster, String node);
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void confirmingPublisherOnTheLeadersNodeSurvivesThatNodesStopAndTheNodeRejoins(Outage outage) throws Exception {
        String queue = quorumQueue("cluster_failover");
        String leaderNode = cluster.nodes().get(1);
        Connection publisher = track(cluster.connectTo(leaderNode, "cluster-it-publisher"));
        AtomicInteger recoveries = new AtomicInteger();
        ((Recoverable) publisher).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                recoveries.incrementAndGet();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {}
        });
        Channel channel = publisher.createChannel();
        channel.queueDeclare(queue, true, false, false, QUORUM);
        channel.confirmSelect();
        assertThat(cluster.leaderOf(queue)).isEqualTo(leaderNode).isEqualTo(cluster.nodeOf(publisher));
        publishConfirmed(channel, queue, "before", 100);
        await("the broker lists the publisher's connection")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster.nodesOfConnections("cluster-it-publisher").equals(List.of(leaderNode)));

        long stopping = System.nanoTime();
        outage.stop(cluster, leaderNode);
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);

        await("the publisher's connection recovered on another node")
                .atMost(NODE_CHANGE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> recoveries.get() >= 1
                        && publisher.isOpen()
                        && !cluster.nodeOf(publisher).equals(leaderNode));
        await("a new leader of " + queue)
                .atMost(NODE_CHANGE)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    QuorumReplicas replicas = cluster.replicasOf(queue);
                    assertThat(replicas.leader()).isNotEqualTo(leaderNode);
                    assertThat(replicas.online()).doesNotContain(leaderNode).hasSize(2);
                });
        publishConfirmed(channel, queue, "during", 100);
        assertThat(cluster.nodesOfConnections("cluster-it-publisher")).containsExactly(cluster.nodeOf(publisher));

        long starting = System.nanoTime();
        outage.start(cluster, leaderNode);
        Duration startTook = Duration.ofNanos(System.nanoTime() - starting);
        cluster.awaitAllRunning(NODE_CHANGE);
        await("every replica of " + queue + " online again")
                .atMost(NODE_CHANGE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster.replicasOf(queue).online().size() == 3);
        publishConfirmed(channel, queue, "after", 100);
        System.out.printf(
                "RabbitClusterIT: %s outage of %s: stop took %d ms, start took %d ms, %d recovery(ies)%n",
                outage, leaderNode, stopTook.toMillis(), startTook.toMillis(), recoveries.get());

        List<String> expected = new ArrayList<>();
        for (String phase : List.of("before", "during", "after")) {
            IntStream.range(0, 100).mapToObj(i -> phase + "-" + i).forEach(expected::add);
        }
        assertThat(consumeAll(queue, expected.size())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void killedNodeLosesNoConfirmedMessageAndStartsAgain() throws Exception {
        String queue = quorumQueue("cluster_crash");
        String crashing = cluster.nodes().get(2);
        Connection publisher = track(cluster.connectTo(crashing, "cluster-it-crash"));
        Channel channel = publisher.createChannel();
        channel.queueDeclare(queue, true, false, false, QUORUM);
        channel.confirmSelect();
        assertThat(cluster.leaderOf(queue)).isEqualTo(crashing);
        publishConfirmed(channel, queue, "before", 50);

        cluster.killNode(crashing);

        await("the publisher's connection recovered on another node")
                .atMost(NODE_CHANGE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> publisher.isOpen() && !cluster.nodeOf(publisher).equals(crashing));
        await("a new leader of " + queue)
                .atMost(NODE_CHANGE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> !cluster.leaderOf(queue).equals(crashing));
        publishConfirmed(channel, queue, "after", 50);
        cluster.startNode(crashing);
        cluster.awaitAllRunning(NODE_CHANGE);

        List<String> expected = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> {
            expected.add("before-" + i);
            expected.add("after-" + i);
        });
        assertThat(consumeAll(queue, expected.size())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void consistentHashExchangeRoutesEveryMessageWithoutItsHashHeaderToOneAndTheSameQueue() throws Exception {
        String exchange = UniqueNames.of("cluster_chx");
        exchanges.add(exchange);
        Connection connection = track(cluster.connect("cluster-it-chx"));
        Channel channel = connection.createChannel();
        channel.exchangeDeclare(exchange, "x-consistent-hash", false, false, Map.of("hash-header", "aggregate_id"));
        List<String> partitions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String queue = quorumQueue("cluster_partition" + i);
            channel.queueDeclare(queue, true, false, false, QUORUM);
            channel.queueBind(queue, exchange, "1");
            partitions.add(queue);
        }
        AtomicInteger returned = new AtomicInteger();
        channel.addReturnListener(r -> returned.incrementAndGet());
        channel.confirmSelect();
        for (int i = 0; i < 200; i++) {
            publishTo(channel, exchange, Map.of("aggregate_id", "aggregate-" + i), "with-" + i);
        }
        for (int i = 0; i < 50; i++) {
            publishTo(channel, exchange, null, "no-headers-" + i);
            publishTo(channel, exchange, Map.of("other", "x" + i), "other-header-" + i);
        }
        channel.waitForConfirmsOrDie(30_000);

        Map<String, List<String>> byQueue = new HashMap<>();
        for (String queue : partitions) {
            byQueue.put(queue, drain(channel, queue));
        }
        Map<String, Long> headerless = new HashMap<>();
        byQueue.forEach((queue, bodies) -> headerless.put(
                queue, bodies.stream().filter(b -> !b.startsWith("with-")).count()));
        System.out.println("RabbitClusterIT: x-consistent-hash, messages per queue "
                + byQueue.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().size())
                        .toList() + ", header-less per queue " + headerless
                + ", returned " + returned.get());

        assertThat(returned).hasValue(0);
        assertThat(byQueue.values().stream().mapToInt(List::size).sum()).isEqualTo(300);
        assertThat(byQueue.values()).allSatisfy(bodies -> assertThat(bodies).anyMatch(b -> b.startsWith("with-")));
        assertThat(headerless.values()).containsOnlyOnce(100L).containsOnly(0L, 100L);
    }

    @Test
    void quorumRetryQueueDeadLettersExpiredMessagesIntoAnotherQuorumQueue() throws Exception {
        String work = quorumQueue("cluster_work");
        String retry = quorumQueue("cluster_retry");
        String perMessage = quorumQueue("cluster_retry_per_message");
        Connection connection = track(cluster.connect("cluster-it-retry"));
        Channel channel = connection.createChannel();
        channel.queueDeclare(work, true, false, false, QUORUM);
        channel.queueDeclare(
                retry,
                true,
                false,
                false,
                Map.of(
                        "x-queue-type",
                        "quorum",
                        "x-message-ttl",
                        300,
                        "x-dead-letter-exchange",
                        "",
                        "x-dead-letter-routing-key",
                        work,
                        "x-dead-letter-strategy",
                        "at-least-once",
                        "x-overflow",
                        "reject-publish"));
        channel.queueDeclare(
                perMessage,
                true,
                false,
                false,
                Map.of(
                        "x-queue-type",
                        "quorum",
                        "x-dead-letter-exchange",
                        "",
                        "x-dead-letter-routing-key",
                        work,
                        "x-dead-letter-strategy",
                        "at-least-once",
                        "x-overflow",
                        "reject-publish"));
        channel.confirmSelect();
        for (int i = 0; i < 20; i++) {
            channel.basicPublish(
                    "",
                    retry,
                    true,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    ("queue-ttl-" + i).getBytes(StandardCharsets.UTF_8));
            channel.basicPublish(
                    "",
                    perMessage,
                    true,
                    new AMQP.BasicProperties.Builder()
                            .deliveryMode(2)
                            .expiration("200")
                            .build(),
                    ("message-ttl-" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(30_000);

        List<String> expected = new ArrayList<>();
        IntStream.range(0, 20).forEach(i -> {
            expected.add("queue-ttl-" + i);
            expected.add("message-ttl-" + i);
        });
        assertThat(consumeAll(work, 40)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(channel.queueDeclarePassive(retry).getMessageCount()).isZero();
        assertThat(channel.queueDeclarePassive(perMessage).getMessageCount()).isZero();
    }

    @Test
    void declaringAnExistingClassicQueueAsQuorumFailsWith406() throws Exception {
        String queue = quorumQueue("cluster_classic");
        Connection connection = track(cluster.connect("cluster-it-406"));
        connection.createChannel().queueDeclare(queue, true, false, false, null);
        Channel channel = connection.createChannel();

        assertThatThrownBy(() -> channel.queueDeclare(queue, true, false, false, QUORUM))
                .isInstanceOf(IOException.class)
                .cause()
                .isInstanceOf(ShutdownSignalException.class)
                .satisfies(e -> System.out.println("RabbitClusterIT: classic declared as quorum: " + e.getMessage()))
                .hasMessageContaining("PRECONDITION_FAILED")
                .hasMessageContaining("x-queue-type");
    }

    private String quorumQueue(String prefix) {
        String queue = UniqueNames.of(prefix);
        queues.add(queue);
        return queue;
    }

    private Connection track(Connection connection) {
        connections.add(connection);
        return connection;
    }

    private static void publishConfirmed(Channel channel, String queue, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            channel.basicPublish(
                    "",
                    queue,
                    true,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(30_000);
    }

    private static void publishTo(Channel channel, String exchange, Map<String, Object> headers, String body)
            throws IOException {
        channel.basicPublish(
                exchange,
                "",
                true,
                new AMQP.BasicProperties.Builder().headers(headers).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Consumes {@code queue} until {@code count} messages arrived; returns their bodies. */
    private List<String> consumeAll(String queue, int count) throws IOException {
        Connection connection = track(cluster.connect("cluster-it-consumer"));
        Channel channel = connection.createChannel();
        List<String> bodies = new CopyOnWriteArrayList<>();
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                bodies.add(new String(body, StandardCharsets.UTF_8));
            }
        });
        await(count + " messages from " + queue)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> bodies.size() >= count);
        return List.copyOf(bodies);
    }

    /** Takes every ready message of {@code queue}. */
    private static List<String> drain(Channel channel, String queue) throws IOException {
        List<String> bodies = new ArrayList<>();
        for (var response = channel.basicGet(queue, true); response != null; response = channel.basicGet(queue, true)) {
            bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.abort(5_000);
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
