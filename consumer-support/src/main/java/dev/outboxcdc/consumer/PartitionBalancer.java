package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the partitions of one partitioned subscription between the running instances of a
 * consumer, with RabbitMQ as the only coordinator. Each instance holds a membership slot: an
 * exclusive queue {@code <main>.member.<k>} (k the first free of 0-63), which RabbitMQ deletes when
 * the instance's connection ends. At every {@link #rebalance()} an instance counts the slots in use
 * (another connection's exclusive queue is refused with RESOURCE_LOCKED, a free slot is NOT_FOUND)
 * and takes the partitions {@code p} with {@code p mod members == its rank among them}, giving up the
 * others. Instances agree once they have all seen the same members; meanwhile a partition may be
 * wanted by two, and its single-active-consumer queue keeps only one of them consuming. Not thread-safe:
 * called from one scheduler thread.
 */
final class PartitionBalancer {

    private static final Logger log = LoggerFactory.getLogger(PartitionBalancer.class);
    static final int MAX_MEMBERS = 64;
    private static final int RESOURCE_LOCKED = 405;
    private static final int NOT_FOUND = 404;
    /** Free slots in a row after which no higher slot is looked at (slots are taken lowest first). */
    private static final int FREE_SLOTS_TO_STOP = 4;

    /** Starts and stops consuming partitions. */
    interface Partitions {
        void acquire(int index) throws IOException;

        void release(int index);
    }

    private final String consumer;
    private final String main;
    private final int partitions;
    private final Supplier<Connection> connection;
    private final Partitions target;
    private final Set<Integer> owned = new TreeSet<>();
    private int slot = -1;
    private int members;

    PartitionBalancer(
            String consumer, String main, int partitions, Supplier<Connection> connection, Partitions target) {
        this.consumer = consumer;
        this.main = main;
        this.partitions = partitions;
        this.connection = connection;
        this.target = target;
    }

    static String memberQueue(String main, int slot) {
        return main + ".member." + slot;
    }

    /** The partitions this instance consumes now. */
    Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    /** Takes a membership slot if it has none, counts the members and takes its share of the partitions. */
    void rebalance() {
        Connection current = connection.get();
        if (current == null || !current.isOpen()) {
            return;
        }
        try {
            holdSlot(current);
            List<Integer> slots = slotsInUse(current);
            if (!slots.contains(slot)) {
                return; // lost it between the two steps: next time
            }
            assign(slots.indexOf(slot), slots.size());
        } catch (IOException | RuntimeException e) {
            log.debug("Consumer {}: rebalancing the partitions of {} failed, trying again later", consumer, main, e);
        }
    }

    /** Takes the partitions of rank {@code rank} among {@code count} members: {@code p mod count == rank}. */
    void assign(int rank, int count) {
        Set<Integer> wanted = new TreeSet<>();
        for (int partition = 0; partition < partitions; partition++) {
            if (partition % count == rank) {
                wanted.add(partition);
            }
        }
        if (wanted.equals(owned) && count == members) {
            return;
        }
        members = count;
        for (Integer partition : new ArrayList<>(owned)) {
            if (!wanted.contains(partition)) {
                target.release(partition);
                owned.remove(partition);
            }
        }
        for (Integer partition : wanted) {
            if (!owned.contains(partition)) {
                try {
                    target.acquire(partition);
                    owned.add(partition);
                } catch (IOException | RuntimeException e) {
                    log.warn(
                            "Consumer {} could not consume partition {} of {}, trying again at the next rebalance: {}",
                            consumer,
                            partition,
                            main,
                            e.getMessage());
                }
            }
        }
        log.info(
                "Consumer {} is member {} of {} of {}: it consumes partitions {} of {}",
                consumer,
                rank + 1,
                count,
                main,
                owned,
                partitions);
    }

    private void holdSlot(Connection current) throws IOException {
        if (slot >= 0 && declareExclusive(current, slot)) {
            return;
        }
        for (int candidate = 0; candidate < MAX_MEMBERS; candidate++) {
            if (declareExclusive(current, candidate)) {
                slot = candidate;
                return;
            }
        }
        throw new IOException("all " + MAX_MEMBERS + " membership slots of " + main + " are taken");
    }

    /** Declares slot {@code candidate}'s queue exclusively: true when this connection holds it. */
    private boolean declareExclusive(Connection current, int candidate) throws IOException {
        Channel channel = current.createChannel();
        try {
            channel.queueDeclare(memberQueue(main, candidate), false, true, true, Map.of("x-queue-type", "classic"));
            return true;
        } catch (IOException e) {
            if (replyCode(e) == RESOURCE_LOCKED) {
                return false;
            }
            throw e;
        } finally {
            close(channel);
        }
    }

    private List<Integer> slotsInUse(Connection current) throws IOException {
        List<Integer> used = new ArrayList<>();
        int free = 0;
        for (int candidate = 0; candidate < MAX_MEMBERS && free < FREE_SLOTS_TO_STOP; candidate++) {
            Channel channel = current.createChannel();
            try {
                channel.queueDeclarePassive(memberQueue(main, candidate));
                used.add(candidate); // ours: a passive declaration of our own exclusive queue succeeds
                free = 0;
            } catch (IOException e) {
                int code = replyCode(e);
                if (code == RESOURCE_LOCKED) {
                    used.add(candidate);
                    free = 0;
                } else if (code == NOT_FOUND) {
                    free++;
                } else {
                    throw e;
                }
            } finally {
                close(channel);
            }
        }
        return used;
    }

    private static int replyCode(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                        && signal.getReason() instanceof AMQP.Channel.Close close
                ? close.getReplyCode()
                : -1;
    }

    private static void close(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
                // a refused declaration closed it already
            }
        }
    }
}
