package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionBalancerTest {

    private final List<String> calls = new ArrayList<>();
    private boolean refuseAcquire;
    private final PartitionBalancer balancer =
            new PartitionBalancer("ledger", "ledger.entry", 6, () -> null, new PartitionBalancer.Partitions() {
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
        for (int members = 1; members <= 8; members++) {
            List<Integer> owners = new ArrayList<>();
            for (int rank = 0; rank < members; rank++) {
                PartitionBalancer member = new PartitionBalancer(
                        "ledger", "ledger.entry", 6, () -> null, new PartitionBalancer.Partitions() {
                            @Override
                            public void acquire(int index) {}

                            @Override
                            public void release(int index) {}
                        });
                member.assign(rank, members);
                owners.addAll(member.owned());
            }
            assertThat(owners).as(members + " members").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
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
}
