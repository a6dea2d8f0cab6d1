package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.ConfirmListener;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * Tracks the publisher confirms of one window of messages on one channel (one tracker per channel, so a late
 * confirm of a dropped channel can never be taken for one of its successor). The connection thread reports acks
 * and nacks; the publishing thread waits until every message is acked, one is nacked, the channel closes or the
 * timeout passes, then asks which message is the first one not confirmed.
 */
final class ConfirmTracker implements ConfirmListener {

    private long firstSeqNo;
    private int size;
    private final BitSet acked = new BitSet();
    private int ackedCount;
    private boolean failed;

    /** Starts tracking {@code size} messages whose first publish sequence number is {@code firstSeqNo}. */
    synchronized void begin(long firstSeqNo, int size) {
        this.firstSeqNo = firstSeqNo;
        this.size = size;
        acked.clear();
        ackedCount = 0;
        failed = false;
    }

    /** Only the first {@code published} messages were sent (RabbitMQ's client refused the next one). */
    synchronized void limit(int published) {
        size = Math.min(size, published);
        if (ackedCount >= size) {
            notifyAll();
        }
    }

    @Override
    public synchronized void handleAck(long deliveryTag, boolean multiple) {
        int last = (int) Math.min(deliveryTag - firstSeqNo, size - 1L);
        if (last < 0) {
            return;
        }
        int first = multiple ? 0 : last;
        for (int i = acked.nextClearBit(first); i <= last; i = acked.nextClearBit(i + 1)) {
            acked.set(i);
            ackedCount++;
        }
        if (ackedCount >= size) {
            notifyAll();
        }
    }

    @Override
    public synchronized void handleNack(long deliveryTag, boolean multiple) {
        if (deliveryTag >= firstSeqNo) {
            failed = true;
            notifyAll();
        }
    }

    /** The channel closed: nothing more will be confirmed on it. */
    synchronized void channelClosed() {
        failed = true;
        notifyAll();
    }

    /**
     * Waits for the batch's confirms.
     *
     * @return the index of the first message not acked; the batch size when all are acked
     */
    synchronized int await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (ackedCount < size && !failed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return acked.nextClearBit(0) >= size ? size : acked.nextClearBit(0);
    }
}
