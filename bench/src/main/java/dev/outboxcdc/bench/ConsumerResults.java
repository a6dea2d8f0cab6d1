package dev.outboxcdc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The consumer phase's drain rates, per consumer and round, with the medians, ratios and targets. */
final class ConsumerResults {

    /** consumer-support with one worker must reach this share of the hand-written consumer at the same prefetch. */
    static final double TARGET_SHARE = 0.9;

    private final int events;
    private final int rounds;
    private final List<ConsumerUnderTest> consumers;
    private final List<List<Double>> rates = new ArrayList<>();
    private final List<List<Double>> workerCpu = new ArrayList<>();
    private final List<List<Double>> cpu = new ArrayList<>();
    private final List<String> repeated = new ArrayList<>();

    ConsumerResults(int events, int rounds, List<ConsumerUnderTest> consumers) {
        this.events = events;
        this.rounds = rounds;
        this.consumers = consumers;
        consumers.forEach(c -> {
            rates.add(new ArrayList<>());
            workerCpu.add(new ArrayList<>());
            cpu.add(new ArrayList<>());
        });
    }

    void add(int consumer, ConsumerBench.Drain drain) {
        rates.get(consumer).add(drain.rate());
        workerCpu.get(consumer).add(drain.workerCpuMicrosPerEvent());
        cpu.get(consumer).add(drain.cpuMicrosPerEvent());
    }

    /** A drain failed and was repeated, for {@code why}. */
    void repeated(String why) {
        repeated.add(why);
    }

    /** The section of the markdown file. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Consumers: draining a pre-filled queue\n\n");
        md.append("Each consumer drains a fresh queue of ")
                .append(String.format("%,d", events))
                .append(" envelopes (the relay's message properties, persistent, published beforehand). Per event the")
                .append(
                        " consumers that write parse the envelope, insert the `processed_events` record (`ON CONFLICT DO")
                .append(" NOTHING`) and one row into `")
                .append(Effects.TABLE)
                .append("` in one transaction, commit, then ack")
                .append(
                        " one message; the raw consumer only acks. All use one HikariCP pool (its defaults, maximumPoolSize ")
                .append(ConsumerBench.POOL_SIZE)
                .append(") and a RabbitMQ connection of their own; the hand-written consumer is")
                .append(
                        " amqp-client's `DefaultConsumer` on one channel. The consumers run one at a time, interleaved in ")
                .append(rounds)
                .append(" round(s) after a warm-up, the order rotated each round; a rate is the events divided")
                .append(
                        " by the time from the first to the last ack. After each drain the effects and the records must")
                .append(
                        " number exactly the events and the queue must be empty, or the run fails. CPU per event (user and")
                .append(
                        " system, medians): of the threads that handled the deliveries, and of the whole benchmark process")
                .append(
                        " during the drain (also amqp-client's reader threads, GC and JIT); PostgreSQL's and RabbitMQ's are")
                .append(" not in it.\n\n");
        md.append("| consumer | prefetch | events/s (median) | each round | × hand-written, prefetch ")
                .append(ConsumerBench.DEFAULT_PREFETCH)
                .append(" | CPU per event, handling threads / process (µs) |\n")
                .append("|---|---|---|---|---|---|\n");
        double baseline = handWritten() < 0 ? Double.NaN : median(rates, handWritten());
        for (int i = 0; i < consumers.size(); i++) {
            ConsumerUnderTest consumer = consumers.get(i);
            boolean perWorker = consumer instanceof SupportConsumer support && support.workers() > 1;
            md.append("| ")
                    .append(consumer.label())
                    .append(" | ")
                    .append(consumer.prefetch())
                    .append(perWorker ? " per worker" : "")
                    .append(" | ")
                    .append(fmt(median(rates, i)))
                    .append(" | ")
                    .append(rates.get(i).stream().map(ConsumerResults::fmt).collect(Collectors.joining(" / ")))
                    .append(" | ")
                    .append(Double.isNaN(baseline) ? "not run" : String.format("%.2f", median(rates, i) / baseline))
                    .append(" | ")
                    .append(fmt(median(workerCpu, i)))
                    .append(" / ")
                    .append(fmt(median(cpu, i)))
                    .append(" |\n");
        }
        if (!repeated.isEmpty()) {
            md.append("\n")
                    .append(repeated.size())
                    .append(" drain(s) failed and were repeated on a fresh queue: ")
                    .append(String.join("; ", repeated))
                    .append(".\n");
        }
        return md.toString();
    }

    /** The consumer targets, one line each. */
    List<String> targets() {
        List<String> lines = new ArrayList<>();
        int hand = handWritten();
        int one = support(1);
        String shareTarget = "consumer-support with 1 worker ≥ " + TARGET_SHARE
                + " × the hand-written consumer at prefetch " + ConsumerBench.DEFAULT_PREFETCH;
        if (hand < 0 || one < 0) {
            lines.add("not measured in this run: " + shareTarget);
        } else {
            double share = median(one) / median(hand);
            List<String> each = new ArrayList<>();
            for (int r = 0; r < Math.min(rates.get(one).size(), rates.get(hand).size()); r++) {
                each.add(String.format(
                        "%.2f", rates.get(one).get(r) / rates.get(hand).get(r)));
            }
            lines.add((share >= TARGET_SHARE ? "met: " : "**missed**: ") + shareTarget + " — measured "
                    + String.format("%.2f", share) + "× (each round: " + String.join(", ", each) + ")");
        }
        int most = support(ConsumerBench.POOL_SIZE);
        String scaleTarget =
                "more workers drain faster: consumer-support with " + ConsumerBench.POOL_SIZE + " workers vs 1";
        if (one < 0 || most < 0) {
            lines.add("not measured in this run: " + scaleTarget);
        } else {
            double scale = median(most) / median(one);
            int two = support(2);
            lines.add((scale > 1 ? "met: " : "**missed**: ") + scaleTarget + " — measured "
                    + String.format("%.2f", scale) + "×"
                    + (two < 0 ? "" : " (2 workers: " + String.format("%.2f", median(two) / median(one)) + "×)"));
        }
        return lines;
    }

    private double median(int consumer) {
        return median(rates, consumer);
    }

    private static double median(List<List<Double>> values, int consumer) {
        double[] sorted = values.get(consumer).stream()
                .mapToDouble(Double::doubleValue)
                .sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** The hand-written consumer at the default prefetch, or -1. */
    private int handWritten() {
        return index("hand-written");
    }

    /** consumer-support with {@code workers} workers, or -1. */
    private int support(int workers) {
        return index("support-" + workers);
    }

    private int index(String key) {
        for (int i = 0; i < consumers.size(); i++) {
            if (consumers.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "not run" : String.format("%,.0f", value);
    }
}
