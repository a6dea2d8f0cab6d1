package dev.outboxcdc.consumer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.AmqpChannels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The members of one partitioned subscription, with RabbitMQ as the only coordinator. Each running instance holds
 * a membership slot: an exclusive queue {@code <main>.member.<k>} (k the first free of 0-63), which RabbitMQ deletes
 * when the instance's connection ends. To count the members, an instance looks at the slots: another connection's
 * exclusive queue is refused with RESOURCE_LOCKED, a free slot is NOT_FOUND. Not thread-safe: called from one
 * scheduler thread.
 */
final class MembershipSlots implements PartitionBalancer.Membership {

    static final int MAX_MEMBERS = 64;
    private static final int RESOURCE_LOCKED = 405;
    private static final int NOT_FOUND = 404;
    /** Free slots in a row after which no higher slot is looked at (slots are taken lowest first). */
    private static final int FREE_SLOTS_TO_STOP = 4;

    private final String main;
    private final Supplier<Connection> connection;
    private int slot = -1;

    /** The members of the partitioned subscription {@code main}, seen on the consumer's current connection. */
    MembershipSlots(String main, Supplier<Connection> connection) {
        this.main = main;
        this.connection = connection;
    }

    /** The name of slot {@code slot}'s exclusive queue. */
    static String memberQueue(String main, int slot) {
        return main + ".member." + slot;
    }

    /** Takes a slot if this instance has none, then counts the slots in use; null without a connection now. */
    @Override
    public PartitionBalancer.Members members() throws IOException {
        Connection current = connection.get();
        if (current == null || !current.isOpen()) {
            return null;
        }
        holdSlot(current);
        List<Integer> slots = slotsInUse(current);
        if (!slots.contains(slot)) {
            return null; // lost it between the two steps: next time
        }
        return new PartitionBalancer.Members(slots.indexOf(slot), slots.size());
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
            if (AmqpChannels.replyCode(e) == RESOURCE_LOCKED) {
                return false;
            }
            throw e;
        } finally {
            AmqpChannels.closeQuietly(channel);
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
                int code = AmqpChannels.replyCode(e);
                if (code == RESOURCE_LOCKED) {
                    used.add(candidate);
                    free = 0;
                } else if (code == NOT_FOUND) {
                    free++;
                } else {
                    throw e;
                }
            } finally {
                AmqpChannels.closeQuietly(channel);
            }
        }
        return used;
    }
}
