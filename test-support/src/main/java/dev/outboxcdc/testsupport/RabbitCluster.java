package dev.outboxcdc.testsupport;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * The three-node RabbitMQ cluster the {@code *ClusterIT} tests run against, started by
 * {@code scripts/rabbitmq-cluster.sh start} (which {@code scripts/test.sh} runs unless
 * {@code OUTBOX_TEST_CLUSTER=0}) and described by the variables it prints: {@value #ADDRESSES},
 * {@value #NODES}, {@value #SCRIPT} and {@value #CTL}.
 *
 * <p>Node {@code i} of {@link #nodes()} listens on address {@code i} of {@link #addresses()}. Stopping
 * and starting a node runs the script, so the node comes back with its name, ports and data; the
 * other methods ask {@code rabbitmqctl} of a running node. Each call of the command line takes a few
 * seconds (it starts an Erlang VM): poll it with Awaitility at intervals of a second or more.
 *
 * <p>Not thread-safe with respect to the cluster's state: one test at a time changes it.
 *
 * <p>Kept whole at about 370 lines: it is the one handle the {@code *ClusterIT} tests of three modules hold on
 * the cluster, and each method is a short wrapper over the cluster script, {@code rabbitmqctl} or amqp-client.
 */
public final class RabbitCluster {

    /** Comma-separated {@code host:port} AMQP addresses, one per node, for {@link Address#parseAddresses(String)}. */
    public static final String ADDRESSES = "OUTBOX_TEST_RABBITMQ_CLUSTER_ADDRESSES";
    /** Comma-separated node names in the order of {@link #ADDRESSES}, e.g. {@code outbox-c1@localhost}. */
    public static final String NODES = "OUTBOX_TEST_RABBITMQ_CLUSTER_NODES";
    /** Path of {@code scripts/rabbitmq-cluster.sh}, which stops and starts single nodes. */
    public static final String SCRIPT = "OUTBOX_TEST_RABBITMQ_CLUSTER_SCRIPT";
    /** Path of {@code rabbitmqctl} (default {@code /usr/sbin/rabbitmqctl}). */
    public static final String CTL = "OUTBOX_TEST_RABBITMQ_CLUSTER_CTL";

    private static final String HOW_TO_START =
            "no RabbitMQ cluster for the *ClusterIT tests: " + ADDRESSES + " and " + NODES
                    + " are not set. Run eval \"$(scripts/rabbitmq-cluster.sh start)\" (as root) before the tests, or scripts/test.sh,"
                    + " which starts and stops it unless OUTBOX_TEST_CLUSTER=0";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern RUNNING_NODES = Pattern.compile("\"running_nodes\":\\[([^\\]]*)\\]");

    private final List<Address> addresses;
    private final List<String> nodes;
    private final String script;
    private final String ctl;

    private RabbitCluster(List<Address> addresses, List<String> nodes, String script, String ctl) {
        if (addresses.size() != nodes.size()) {
            throw new IllegalStateException(
                    ADDRESSES + " and " + NODES + " must list as many entries: " + addresses + " / " + nodes);
        }
        this.addresses = List.copyOf(addresses);
        this.nodes = List.copyOf(nodes);
        this.script = script;
        this.ctl = ctl;
    }

    /** Whether the environment describes a cluster. */
    public static boolean isConfigured() {
        return !blank(System.getenv(ADDRESSES)) && !blank(System.getenv(NODES));
    }

    /**
     * The cluster the environment describes.
     *
     * @throws IllegalStateException when it describes none, saying how to start one
     */
    public static RabbitCluster fromEnvironment() {
        if (!isConfigured()) {
            throw new IllegalStateException(HOW_TO_START);
        }
        String script = System.getenv(SCRIPT);
        String ctl = System.getenv(CTL);
        return new RabbitCluster(
                Arrays.asList(Address.parseAddresses(System.getenv(ADDRESSES))),
                List.of(System.getenv(NODES).split(",")),
                blank(script) ? null : script,
                blank(ctl) ? "/usr/sbin/rabbitmqctl" : ctl);
    }

    /**
     * The cluster the environment describes; when it describes none, aborts the calling test
     * (JUnit reports it skipped, with a message saying how to start the cluster).
     */
    public static RabbitCluster assumeConfigured() {
        Assumptions.assumeTrue(isConfigured(), HOW_TO_START);
        return fromEnvironment();
    }

    /** The node names, e.g. {@code outbox-c1@localhost}. */
    public List<String> nodes() {
        return nodes;
    }

    /** One AMQP address per node, in the order of {@link #nodes()}. */
    public List<Address> addresses() {
        return addresses;
    }

    /** The addresses as {@code host:port,host:port,…} (what {@link Address#parseAddresses(String)} reads). */
    public String addressList() {
        return String.join(
                ",",
                addresses.stream().map(a -> a.getHost() + ":" + a.getPort()).toList());
    }

    /** The AMQP address of {@code node}. */
    public Address addressOf(String node) {
        return addresses.get(indexOf(node));
    }

    /**
     * A connection factory for guest/guest on the default virtual host that recovers connections by
     * itself every 500 ms. Pass it {@link #addresses()} (or use {@link #connect(String)}): the
     * factory's own host and port are not the cluster's.
     */
    public ConnectionFactory factory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost("/");
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(500);
        factory.setConnectionTimeout(5_000);
        return factory;
    }

    /** A recovering connection to any node (amqp-client shuffles the address list); the caller closes it. */
    public Connection connect(String connectionName) {
        try {
            return factory().newConnection(addresses, connectionName);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to the RabbitMQ cluster " + addressList(), e);
        }
    }

    /**
     * A recovering connection to {@code node}; when that node goes away, it recovers to the next
     * node of the address list that answers (and tries {@code node} first again each time).
     */
    public Connection connectTo(String node, String connectionName) {
        List<Address> ordered = new ArrayList<>();
        ordered.add(addressOf(node));
        addresses.stream().filter(a -> !a.equals(addressOf(node))).forEach(ordered::add);
        AddressResolver inOrder = new AddressResolver() {
            @Override
            public List<Address> getAddresses() {
                return ordered;
            }

            @Override
            public List<Address> maybeShuffle(List<Address> input) {
                return input;
            }
        };
        try {
            return factory().newConnection(null, inOrder, connectionName);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to " + node + " at " + addressOf(node), e);
        }
    }

    /** The node {@code connection} is connected to now (by the port it reached; a recovered connection may have moved). */
    public String nodeOf(Connection connection) {
        return nodeOfPort(connection.getPort());
    }

    /**
     * The nodes holding the connections a client opened under {@code connectionName} (its
     * client-provided name, e.g. {@code cdc-relay}), one entry per connection.
     */
    public List<String> nodesOfConnections(String connectionName) {
        List<String> found = new ArrayList<>();
        String needle = "{\"connection_name\",\"" + connectionName + "\"}";
        for (String line :
                ctl(anyRunningNode(), "list_connections", "port", "client_properties", "--no-table-headers")) {
            String[] columns = line.split("\t", 2);
            if (columns.length == 2 && columns[1].contains(needle)) {
                found.add(nodeOfPort(Integer.parseInt(columns[0].trim())));
            }
        }
        return found;
    }

    /**
     * Where the quorum queue {@code queue} (default virtual host) has its replicas, as the running
     * nodes see it.
     *
     * @throws IllegalStateException when the queue does not exist
     */
    public QuorumReplicas replicasOf(String queue) {
        for (String line : ctl(
                anyRunningNode(), "list_queues", "name", "type", "leader", "members", "online", "--no-table-headers")) {
            String[] columns = line.split("\t");
            if (columns.length == 5 && columns[0].equals(queue)) {
                if (!columns[1].equals("quorum")) {
                    throw new IllegalStateException(
                            "queue " + queue + " is a " + columns[1] + " queue, not a quorum queue");
                }
                return new QuorumReplicas(columns[2].trim(), nodeList(columns[3]), nodeList(columns[4]));
            }
        }
        throw new IllegalStateException("no queue " + queue + " in the cluster");
    }

    /** The node that holds the leader of quorum queue {@code queue}. */
    public String leaderOf(String queue) {
        return replicasOf(queue).leader();
    }

    /** The nodes that are running and clustered, as a running node sees them (sorted). */
    public List<String> runningNodes() {
        String status = String.join("", ctl(anyRunningNode(), "cluster_status", "--formatter", "json"));
        Matcher running = RUNNING_NODES.matcher(status);
        if (!running.find()) {
            throw new IllegalStateException("no running_nodes in the output of cluster_status: " + status);
        }
        return nodes.stream()
                .filter(node -> running.group(1).contains("\"" + node + "\""))
                .sorted()
                .toList();
    }

    /** Waits until every node runs in one cluster again. */
    public void awaitAllRunning(Duration timeout) {
        Awaitility.await("all of " + nodes + " running as one cluster")
                .atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> runningNodes().equals(nodes.stream().sorted().toList()));
    }

    /**
     * Stops {@code node}'s Erlang VM gracefully (its queues hand leadership over, its client
     * connections close) and returns when the process is gone.
     */
    public void stopNode(String node) {
        script("stop-node", node);
    }

    /** Kills {@code node}'s Erlang VM with SIGKILL: a crash, nothing is handed over. */
    public void killNode(String node) {
        script("kill-node", node);
    }

    /** Starts {@code node} again with its name, ports and data; returns when RabbitMQ runs on it. */
    public void startNode(String node) {
        script("start-node", node);
    }

    /**
     * Stops only the RabbitMQ application on {@code node} ({@code rabbitmqctl stop_app}); its Erlang
     * VM keeps running. Client connections close (CONNECTION_FORCED) and its quorum queue replicas
     * stop as with {@link #stopNode(String)}, in about half the time.
     */
    public void stopApp(String node) {
        ctl(checked(node), "stop_app");
    }

    /** Starts the RabbitMQ application {@link #stopApp(String)} stopped; returns when it runs. */
    public void startApp(String node) {
        ctl(checked(node), "start_app");
    }

    /** Deletes {@code queue} if it exists, over a connection to any running node. */
    public void deleteQueue(String queue) {
        withChannel(channel -> channel.queueDelete(queue));
    }

    /** Deletes {@code exchange} if it exists, over a connection to any running node. */
    public void deleteExchange(String exchange) {
        withChannel(channel -> channel.exchangeDelete(exchange));
    }

    /** Runs {@code action} on a fresh channel of a fresh connection to a running node. */
    public void withChannel(RabbitEndpoint.ChannelAction action) {
        ConnectionFactory factory = factory();
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection(addresses, "outbox-cdc-tests-cluster-admin");
                Channel channel = connection.createChannel()) {
            action.run(channel);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("RabbitMQ cluster operation failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code rabbitmqctl -q -n node arguments…} and returns its output lines.
     *
     * @throws IllegalStateException when it fails
     */
    public List<String> ctl(String node, String... arguments) {
        List<String> command = new ArrayList<>(List.of(ctl, "-q", "-n", node));
        command.addAll(List.of(arguments));
        return Commands.run(command, COMMAND_TIMEOUT).lines().toList();
    }

    /** The first node whose AMQP port accepts connections. */
    public String anyRunningNode() {
        for (int i = 0; i < nodes.size(); i++) {
            if (accepts(addresses.get(i))) {
                return nodes.get(i);
            }
        }
        throw new IllegalStateException("no node of the cluster accepts connections on " + addressList());
    }

    private void script(String command, String node) {
        checked(node);
        if (script == null) {
            throw new IllegalStateException(
                    "Set " + SCRIPT + " to the path of scripts/rabbitmq-cluster.sh (its start prints it)");
        }
        Commands.run(List.of("bash", script, command, node), COMMAND_TIMEOUT);
    }

    private String nodeOfPort(int port) {
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).getPort() == port) {
                return nodes.get(i);
            }
        }
        throw new IllegalStateException("port " + port + " is not the AMQP port of a node of " + addressList());
    }

    private String checked(String node) {
        indexOf(node);
        return node;
    }

    private int indexOf(String node) {
        int index = nodes.indexOf(node);
        if (index < 0) {
            throw new IllegalArgumentException(node + " is not a node of the cluster " + nodes);
        }
        return index;
    }

    private static List<String> nodeList(String column) {
        String inside = column.trim().replaceAll("^\\[|\\]$", "");
        return inside.isBlank()
                ? List.of()
                : Arrays.stream(inside.split(",")).map(String::trim).sorted().toList();
    }

    private static boolean accepts(Address address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
