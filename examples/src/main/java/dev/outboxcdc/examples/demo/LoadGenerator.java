package dev.outboxcdc.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the demo's requests to the personnel API, open loop: request i is due at {@code start + i / rate}
 * whether the earlier ones have been answered or not (at most {@link #MAX_IN_FLIGHT} in flight), so a slow
 * answer shows as latency instead of quietly lowering the offered rate. A burst sends them all at once.
 * Records how long each request took and how late the driver sent it. Not thread-safe; one phase at a time.
 */
final class LoadGenerator {

    /** Requests in flight at most; a burst is sent with this much concurrency. */
    static final int MAX_IN_FLIGHT = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String personnel;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<String> employeeIds = new CopyOnWriteArrayList<>();
    private final Random random = new Random(42);
    private int sequence;

    LoadGenerator(String personnel) {
        this.personnel = personnel;
    }

    /** What one phase sent and how it went. */
    record Phase(int sent, double seconds, double httpP50Ms, double httpP99Ms, double maxLateMs) {

        double rate() {
            return sent / seconds;
        }
    }

    /** Sends {@code kinds} at {@code rate} requests per second (or all at once when rate is 0), waits for every answer. */
    Phase send(List<EventKind> kinds, double rate) throws Exception {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        List<CompletableFuture<Void>> answers = new ArrayList<>(kinds.size());
        List<Double> httpMs = Collections.synchronizedList(new ArrayList<>(kinds.size()));
        double maxLateMs = 0;
        long start = System.nanoTime();
        for (int i = 0; i < kinds.size(); i++) {
            long due = rate > 0 ? start + (long) (i * 1e9 / rate) : start;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            long sentAt = System.nanoTime();
            maxLateMs = Math.max(maxLateMs, (sentAt - due) / 1e6);
            EventKind kind = kinds.get(i);
            answers.add(http.sendAsync(request(kind), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response -> {
                        httpMs.add((System.nanoTime() - sentAt) / 1e6);
                        accept(kind, response);
                    })
                    .whenComplete((ignored, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(httpMs);
        Collections.sort(sorted);
        return new Phase(
                kinds.size(),
                seconds,
                Quantiles.of(sorted, 0.50),
                Quantiles.of(sorted, 0.99),
                rate > 0 ? maxLateMs : 0);
    }

    private HttpRequest request(EventKind kind) {
        int n = sequence++;
        String body = switch (kind) {
            case EMPLOYEE -> "{\"name\": \"Employee " + n + "\", \"salary\": " + (40_000 + n % 50_000) + ".50}";
            case APPROVAL -> "{\"employeeId\": \"" + anEmployee() + "\", \"subject\": \"Training budget " + n + "\"}";
            case BUDGET ->
                "{\"department\": \"Department " + (n % 7) + "\", \"amount\": " + (10_000 + n % 50_000) + ".00}";
            case ASSET -> "{\"employeeId\": \"" + anEmployee() + "\", \"asset\": \"Laptop " + n + "\"}";
        };
        return HttpRequest.newBuilder(URI.create(personnel + kind.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** An employee hired earlier; the first requests of a run are hires, so there is one by then. */
    private String anEmployee() {
        return employeeIds.isEmpty()
                ? UUID.randomUUID().toString()
                : employeeIds.get(random.nextInt(employeeIds.size()));
    }

    private void accept(EventKind kind, HttpResponse<String> response) {
        if (response.statusCode() != 201) {
            throw new IllegalStateException(
                    "POST " + kind.path() + " answered " + response.statusCode() + ": " + response.body());
        }
        if (kind == EventKind.EMPLOYEE) {
            try {
                employeeIds.add(MAPPER.readTree(response.body()).get("id").textValue());
            } catch (Exception e) {
                throw new IllegalStateException(
                        "POST /employees answered something that is not an employee: " + response.body(), e);
            }
        }
    }
}
