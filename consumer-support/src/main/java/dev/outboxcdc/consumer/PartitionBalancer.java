package dev.outboxcdc.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the partitions of one partitioned subscription between the running instances of a consumer: at every
 * {@link #rebalance()} an instance learns its rank among the members ({@link MembershipSlots}) and takes the
 * partitions {@code p} with {@code p mod members == rank}, giving up the others. Instances agree once they have all
 * seen the same members; meanwhile a partition may be wanted by two, and its single-active-consumer queue keeps only
 * one of them consuming. Not thread-safe: called from one scheduler thread.
 */
final class PartitionBalancer {

    private static final Logger log = LoggerFactory.getLogger(PartitionBalancer.class);

    /** How often the instances of a partitioned subscription look at each other and share the partitions again. */
    static final Duration REBALANCE_INTERVAL = Duration.ofSeconds(2);

    /** This instance's rank (0-based) among {@code count} members. */
    record Members(int rank, int count) {}

    /** Who the members are now. */
    interface Membership {
        /** This instance's rank and the number of members, or null when it cannot tell now (try again later). */
        Members members() throws IOException;
    }

    /** Starts and stops consuming partitions. */
    interface Partitions {
        void acquire(int index) throws IOException;

        void release(int index);
    }

    private final String consumer;
    private final String main;
    private final int partitions;
    private final Membership membership;
    private final Partitions target;
    private final Set<Integer> owned = new TreeSet<>();
    private int members;

    PartitionBalancer(String consumer, String main, int partitions, Membership membership, Partitions target) {
        this.consumer = consumer;
        this.main = main;
        this.partitions = partitions;
        this.membership = membership;
        this.target = target;
    }

    /** The partitions this instance consumes now. */
    Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    /** Counts the members and takes this instance's share of the partitions; a failure is tried again next time. */
    void rebalance() {
        try {
            Members now = membership.members();
            if (now != null) {
                assign(now.rank(), now.count());
            }
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
}
