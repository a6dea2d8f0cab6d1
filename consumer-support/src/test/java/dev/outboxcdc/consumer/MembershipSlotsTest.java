package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Counting the members of a partitioned subscription by its exclusive slot queues, on a fake broker. */
class MembershipSlotsTest {

    private static final String MAIN = "ledger.entry";

    /** Slot queues other instances' connections hold exclusively. */
    private final Set<String> heldByOthers = new HashSet<>();
    /** Slot queues this instance's connection holds. */
    private final Set<String> ours = new HashSet<>();

    private final Set<String> looked = new HashSet<>();
    private boolean connectionOpen = true;
    private final MembershipSlots slots = new MembershipSlots(MAIN, this::connection);

    @Test
    void aLoneInstanceTakesSlotZeroAndIsTheOnlyMember() throws IOException {
        assertThat(slots.members()).isEqualTo(new PartitionBalancer.Members(0, 1));
        assertThat(ours).containsExactly(MembershipSlots.memberQueue(MAIN, 0));
    }

    @Test
    void takesTheFirstFreeSlotAndRanksAmongTheOthers() throws IOException {
        heldByOthers.add(MembershipSlots.memberQueue(MAIN, 0));
        heldByOthers.add(MembershipSlots.memberQueue(MAIN, 2));

        assertThat(slots.members()).isEqualTo(new PartitionBalancer.Members(1, 3));
        assertThat(ours).containsExactly(MembershipSlots.memberQueue(MAIN, 1));
    }

    @Test
    void keepsItsSlotWhenALowerOneFreesUp() throws IOException {
        heldByOthers.add(MembershipSlots.memberQueue(MAIN, 0));
        slots.members();

        heldByOthers.clear();

        assertThat(slots.members()).isEqualTo(new PartitionBalancer.Members(0, 1));
        assertThat(ours).containsExactly(MembershipSlots.memberQueue(MAIN, 1));
    }

    @Test
    void stopsLookingAfterFourFreeSlotsInARow() throws IOException {
        heldByOthers.add(MembershipSlots.memberQueue(MAIN, 9));

        assertThat(slots.members()).isEqualTo(new PartitionBalancer.Members(0, 1));
        assertThat(looked)
                .contains(MembershipSlots.memberQueue(MAIN, 4))
                .doesNotContain(MembershipSlots.memberQueue(MAIN, 5), MembershipSlots.memberQueue(MAIN, 9));
    }

    @Test
    void withoutAnOpenConnectionItCannotTell() throws IOException {
        connectionOpen = false;

        assertThat(slots.members()).isNull();
        assertThat(ours).isEmpty();
    }

    private Connection connection() {
        return proxy(Connection.class, (method, args) -> switch (method) {
            case "isOpen" -> connectionOpen;
            case "createChannel" -> channel();
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private Channel channel() {
        boolean[] open = {true};
        return proxy(Channel.class, (method, args) -> switch (method) {
            case "queueDeclare" -> {
                String queue = (String) args[0];
                assertThat((Boolean) args[2]).as("exclusive").isTrue();
                if (heldByOthers.contains(queue)) {
                    open[0] = false;
                    throw refused(405);
                }
                ours.add(queue);
                yield null;
            }
            case "queueDeclarePassive" -> {
                String queue = (String) args[0];
                looked.add(queue);
                if (ours.contains(queue)) {
                    yield null;
                }
                open[0] = false;
                throw refused(heldByOthers.contains(queue) ? 405 : 404);
            }
            case "isOpen" -> open[0];
            case "close" -> {
                open[0] = false;
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    /** What amqp-client throws when the broker closes the channel with {@code code}. */
    private static IOException refused(int code) {
        AMQP.Channel.Close close = new AMQP.Channel.Close.Builder()
                .replyCode(code)
                .replyText("refused")
                .build();
        return new IOException(new ShutdownSignalException(false, false, close, null));
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(),
                new Class<?>[] {type},
                (self, method, args) -> "toString".equals(method.getName())
                        ? "fake " + type.getSimpleName()
                        : answer.answer(method.getName(), args)));
    }
}
