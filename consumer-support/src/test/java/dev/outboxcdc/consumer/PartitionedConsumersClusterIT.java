package dev.outboxcdc.consumer;

import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.testsupport.RabbitCluster;
import dev.outboxcdc.testsupport.RabbitEndpoint;

/**
 * {@link PartitionedConsumersIT} on a three-node cluster with quorum queues: the instances connect
 * through the cluster's address list; one is killed mid-stream, its partitions move to the others.
 */
class PartitionedConsumersClusterIT extends PartitionedConsumersIT {

    @Override
    RabbitEndpoint broker() {
        RabbitCluster cluster = RabbitCluster.assumeConfigured();
        return new RabbitEndpoint("amqp://guest:guest@" + cluster.addressList().split(",")[0] + "/%2F");
    }

    @Override
    String addresses() {
        return RabbitCluster.assumeConfigured().addressList();
    }

    @Override
    QueueType queueType() {
        return QueueType.QUORUM;
    }
}
