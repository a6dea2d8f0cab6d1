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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A failed offset write is retried briefly, then reported, so the relay stops publishing instead of going on. */
class PostgresOffsetBackingStoreTest {

    @Test
    void aWriteThatKeepsFailingFailsWithinTheRetryWindowAndTheStatusSaysWhy() throws Exception {
        OffsetWriteStatus status = OffsetWriteStatus.register("store-test-" + System.nanoTime());
        PostgresOffsetBackingStore store = new PostgresOffsetBackingStore();
        store.configure(new EmbeddedWorkerConfig(new HashMap<>(Map.of(
                PostgresOffsetBackingStore.URL,
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres",
                PostgresOffsetBackingStore.USER,
                "relay",
                PostgresOffsetBackingStore.TABLE,
                "public.outbox_relay_offsets",
                OffsetWriteStatus.KEY,
                status.key()))));
        // Reading the stored offsets fails (the engine then fails and the relay retries); the executor runs.
        assertThatThrownBy(store::start).hasMessageContaining("cannot read offsets");
        try {
            Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
            offsets.put(bytes("[\"cdc-relay-slot\",{\"server\":\"outbox\"}]"), bytes("{\"lsn\":1}"));
            long started = System.nanoTime();
            Future<Void> write = store.set(offsets, null);

            assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("cannot store offsets in public.outbox_relay_offsets");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("retried, then given up")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(700))
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(status.problem()).contains("cannot store offsets");
            assertThat(store.get(offsets.keySet()).get(5, TimeUnit.SECONDS))
                    .as("nothing visible that was not stored")
                    .allSatisfy((key, value) -> assertThat(value).isNull());
        } finally {
            store.stop();
            status.close();
        }
    }

    @Test
    void aWriteStillHangingCountsAsNotStoredAndASuccessClearsAFailure() {
        OffsetWriteStatus status = OffsetWriteStatus.register("status-test-" + System.nanoTime());
        status.writing();
        assertThat(status.problem()).contains("did not finish");
        status.failed("refused");
        assertThat(status.problem()).isEqualTo("refused");
        status.stored();
        assertThat(status.problem()).isNull();
        status.close();
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
