package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How one instance's share of the partitions follows the members it sees, without a broker. */
class PartitionBalancerTest {

    private final List<String> calls = new ArrayList<>();
    private boolean refuseAcquire;
    private PartitionBalancer.Members members;
    private IOException membershipFailure;
    private final PartitionBalancer balancer = new PartitionBalancer(
            "ledger",
            "ledger.entry",
            6,
            () -> {
                if (membershipFailure != null) {
                    throw membershipFailure;
                }
                return members;
            },
            new PartitionBalancer.Partitions() {
                @Override
                public void acquire(int index) throws IOException {
                    if (refuseAcquire) {
                        throw new IOException("channel limit");
                    }
                    calls.add("acquire " + index);
                }

                @Override
                public void release(int index) {
                    calls.add("release " + index);
                }
            });

    @Test
    void aLoneInstanceTakesEveryPartitionAndGivesUpThoseOfAMemberThatJoins() {
        balancer.assign(0, 1);
        assertThat(balancer.owned()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);

        calls.clear();
        balancer.assign(0, 2);

        assertThat(balancer.owned()).containsExactlyInAnyOrder(0, 2, 4);
        assertThat(calls).containsExactly("release 1", "release 3", "release 5");
    }

    @Test
    void takesOverTheShareOfAMemberThatLeft() {
        balancer.assign(1, 3);
        assertThat(balancer.owned()).containsExactlyInAnyOrder(1, 4);

        calls.clear();
        balancer.assign(1, 2);

        assertThat(balancer.owned()).containsExactlyInAnyOrder(1, 3, 5);
        assertThat(calls).containsExactly("release 4", "acquire 3", "acquire 5");
    }

    @Test
    void everyPartitionHasExactlyOneOwnerWhateverTheNumberOfMembers() {
        for (int count = 1; count <= 8; count++) {
            List<Integer> owners = new ArrayList<>();
            for (int rank = 0; rank < count; rank++) {
                PartitionBalancer member = new PartitionBalancer(
                        "ledger", "ledger.entry", 6, () -> null, new PartitionBalancer.Partitions() {
                            @Override
                            public void acquire(int index) {}

                            @Override
                            public void release(int index) {}
                        });
                member.assign(rank, count);
                owners.addAll(member.owned());
            }
            assertThat(owners).as(count + " members").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        }
    }

    @Test
    void aPartitionThatCouldNotBeTakenIsTriedAgainAtTheNextRebalance() {
        refuseAcquire = true;
        balancer.assign(0, 3);
        assertThat(balancer.owned()).isEmpty();

        refuseAcquire = false;
        balancer.assign(0, 3);

        assertThat(balancer.owned()).containsExactlyInAnyOrder(0, 3);
    }

    @Test
    void aRebalanceTakesTheShareOfTheRankTheMembershipReports() {
        members = new PartitionBalancer.Members(1, 2);

        balancer.rebalance();

        assertThat(balancer.owned()).containsExactlyInAnyOrder(1, 3, 5);
    }

    @Test
    void aRebalanceThatCannotTellTheMembersChangesNothing() {
        members = new PartitionBalancer.Members(0, 1);
        balancer.rebalance();
        calls.clear();

        members = null;
        balancer.rebalance();
        membershipFailure = new IOException("channel closed");
        balancer.rebalance();

        assertThat(calls).isEmpty();
        assertThat(balancer.owned()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void theSameMembersTwiceMoveNoPartition() {
        members = new PartitionBalancer.Members(0, 2);
        balancer.rebalance();
        calls.clear();

        balancer.rebalance();

        assertThat(calls).isEmpty();
    }
}
