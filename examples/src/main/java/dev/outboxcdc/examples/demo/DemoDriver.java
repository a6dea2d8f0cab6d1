package dev.outboxcdc.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the demo's traffic through the personnel service's API, waits until every consumer applied
 * every event, and prints the report, ending with the line
 * {@code demo: written=N published=N consumed=N duplicates_skipped=N p50_ms=X p99_ms=Y}.
 * Exits 1 when an event is missing. With {@code --delete-queues} it deletes the demo's consumer queues instead.
 */
public final class DemoDriver {

    /** Consumers of the demo and the queue each reads. */
    static final Map<String, String> QUEUES = Map.of(
            "payroll", "payroll.employee.created",
            "notification", "notification.approval.requested",
            "accounting", "accounting.budget.approved",
            "personnel", "personnel.asset.assigned");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoDriver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        if (options.containsKey("delete-queues")) {
            deleteQueues(options.get("rabbitmq-uri"));
            return;
        }
        int employees = Integer.parseInt(options.getOrDefault("employees", "1000"));
        String personnel = options.get("personnel");
        String relay = options.get("relay");
        List<String> services = List.of(options.get("services").split(","));
        double publishedBefore = metric(relay, "outbox_relay_events_published_total");

        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> employeeIds = post(pool, personnel + "/employees", employees,
                i -> "{\"name\": \"Employee " + i + "\", \"salary\": " + (40_000 + i) + ".50}", "id");
        Random random = new Random(42);
        int approvals = Math.max(1, employees / 5);
        int budgets = Math.max(1, employees / 10);
        int assets = Math.max(1, employees / 4);
        post(pool, personnel + "/approvals", approvals, i -> "{\"employeeId\": \"" + employeeIds.get(random.nextInt(employeeIds.size()))
                + "\", \"subject\": \"Training budget " + i + "\"}", "approvalId");
        post(pool, personnel + "/budgets", budgets, i -> "{\"department\": \"Department " + (i % 7) + "\", \"amount\": "
                + (10_000 + i) + ".00}", "budgetId");
        post(pool, personnel + "/assets", assets, i -> "{\"employeeId\": \"" + employeeIds.get(random.nextInt(employeeIds.size()))
                + "\", \"asset\": \"Laptop " + i + "\"}", "assignmentId");
        pool.shutdown();
        int written = employees + approvals + budgets + assets;
        double writeSeconds = (System.nanoTime() - started) / 1e9;

        Map<String, Long> expected = Map.of("payroll", (long) employees, "notification", (long) approvals,
                "accounting", (long) budgets, "personnel", (long) assets);
        Map<String, Long> consumed;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("timeout-seconds", "180")));
        try (Connection db = DriverManager.getConnection(options.get("jdbc-url"), options.get("jdbc-user"),
                options.getOrDefault("jdbc-password", ""))) {
            do {
                consumed = consumedPerConsumer(db);
                if (consumed.equals(expected)) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(200); // polling the database, as the report's reader would
            } while (System.nanoTime() < deadline);
            double published = metric(relay, "outbox_relay_events_published_total") - publishedBefore;
            double duplicates = 0;
            for (String service : services) {
                duplicates += metric(service, "outbox_consumer_events_duplicates_total");
            }
            double[] latency = latency(db);
            long consumedTotal = consumed.values().stream().mapToLong(Long::longValue).sum();

            System.out.println();
            System.out.println("Outbox CDC demo report");
            System.out.printf("  events written     %6d in %.1f s (%d employee.created, %d approval.requested, %d budget.approved,"
                    + " %d asset.assigned)%n", written, writeSeconds, employees, approvals, budgets, assets);
            System.out.printf("  events published   %6.0f (cdc-relay, confirmed by RabbitMQ)%n", published);
            for (Map.Entry<String, Long> entry : new java.util.TreeMap<>(consumed).entrySet()) {
                System.out.printf("  consumed by %-13s %5d of %d (queue %s)%n", entry.getKey(), entry.getValue(),
                        expected.get(entry.getKey()), QUEUES.get(entry.getKey()));
            }
            System.out.printf("  duplicates skipped %6.0f%n", duplicates);
            System.out.printf("  commit-to-consume  p50 %.1f ms, p99 %.1f ms%n", latency[0], latency[1]);
            System.out.printf("demo: written=%d published=%.0f consumed=%d duplicates_skipped=%.0f p50_ms=%.1f p99_ms=%.1f%n",
                    written, published, consumedTotal, duplicates, latency[0], latency[1]);
            if (!consumed.equals(expected) || published < written) {
                System.err.println("demo: FAILED: not every event was published and consumed within the timeout");
                System.exit(1);
            }
        }
    }

    private interface Body {
        String of(int i);
    }

    private static List<String> post(ExecutorService pool, String url, int count, Body body, String idField) throws Exception {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.of(n))).build();
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
                }
                JsonNode json = MAPPER.readTree(response.body());
                return json.get(idField).textValue();
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> future : futures) {
            ids.add(future.get());
        }
        return ids;
    }

    private static Map<String, Long> consumedPerConsumer(Connection db) throws Exception {
        Map<String, Long> consumed = new HashMap<>();
        QUEUES.keySet().forEach(consumer -> consumed.put(consumer, 0L));
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT consumer, count(*) FROM processed_events GROUP BY consumer")) {
            while (rs.next()) {
                consumed.put(rs.getString(1), rs.getLong(2));
            }
        }
        return consumed;
    }

    private static double[] latency(Connection db) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)
                FROM (SELECT extract(epoch FROM p.processed_at - o.created_at) * 1000 AS ms
                      FROM processed_events p JOIN outbox_events o ON o.event_id = p.event_id) latencies""")) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2)};
        }
    }

    private static double metric(String baseUrl, String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build();
        String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(body);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    private static void deleteQueues(String uri) throws Exception {
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(uri);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("outbox-demo-cleanup");
                com.rabbitmq.client.Channel channel = connection.createChannel()) {
            for (String queue : QUEUES.values()) {
                for (String name : List.of(queue, queue + ".dlq", queue + ".retry.1", queue + ".retry.2")) {
                    channel.queueDelete(name);
                }
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
            }
        }
        return options;
    }
}
