package dev.outboxcdc.consumer;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The workers of one partitioned subscription in this instance, one per partition its {@link PartitionBalancer}
 * gives it: a worker is opened when a partition is acquired and released, for another instance to take over, when
 * it is given up. Running workers are also kept in the consumer's collection of workers, which its stop goes
 * through.
 */
final class PartitionWorkers implements PartitionBalancer.Partitions {

    private final String queue;
    private final Function<String, QueueWorker> workers;
    private final Collection<QueueWorker> running;
    private final Map<Integer, QueueWorker> byPartition = new ConcurrentHashMap<>();

    /**
     * The partitions of the subscription of {@code queue}.
     *
     * @param workers makes a worker, not opened yet, consuming the partition queue it is given
     * @param running the consumer's running workers (thread-safe): each opened worker is added, each released one
     *     removed
     */
    PartitionWorkers(String queue, Function<String, QueueWorker> workers, Collection<QueueWorker> running) {
        this.queue = queue;
        this.workers = workers;
        this.running = running;
    }

    @Override
    public void acquire(int index) throws IOException {
        QueueWorker worker = workers.apply(SubscriptionQueues.partitionQueue(queue, index));
        worker.open();
        byPartition.put(index, worker);
        running.add(worker);
    }

    @Override
    public void release(int index) {
        QueueWorker worker = byPartition.remove(index);
        if (worker != null) {
            running.remove(worker);
            worker.release();
        }
    }
}
