package dev.outboxcdc.relay.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.embedded.EmbeddedWorkerConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A failed offset write is retried, and the engine's flush waits for it, instead of failing and letting publishing go on. */
class PostgresOffsetBackingStoreTest {

    @Test
    void aWriteToAnUnreachableDatabaseDoesNotCompleteUntilTheStoreStops() throws Exception {
        PostgresOffsetBackingStore store = new PostgresOffsetBackingStore();
        store.configure(new EmbeddedWorkerConfig(new HashMap<>(Map.of(
                PostgresOffsetBackingStore.URL, "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres",
                PostgresOffsetBackingStore.USER, "relay",
                PostgresOffsetBackingStore.TABLE, "public.outbox_relay_offsets"))));
        // Reading the stored offsets fails (the engine then fails and the relay retries); the executor runs.
        assertThatThrownBy(store::start).hasMessageContaining("cannot read offsets");

        Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
        offsets.put(bytes("[\"cdc-relay-slot\",{\"server\":\"outbox\"}]"), bytes("{\"lsn\":1}"));
        Future<Void> write = store.set(offsets, null);

        Awaitility.await("still retrying").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !write.isDone());
        Future<Map<ByteBuffer, ByteBuffer>> visible = store.get(offsets.keySet());
        store.stop();

        assertThatThrownBy(write::get).isInstanceOf(ExecutionException.class).hasMessageContaining("stopped before the offsets");
        assertThat(visible.get()).as("nothing visible that was not stored").allSatisfy((key, value) -> assertThat(value).isNull());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
