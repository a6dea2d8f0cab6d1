package dev.outboxcdc.testsupport;

import java.util.List;

/**
 * Where a quorum queue's replicas are, as {@link RabbitCluster#replicasOf(String)} found them.
 *
 * @param leader the node of the leader
 * @param members the nodes holding a replica (sorted)
 * @param online the members that are online (sorted)
 */
public record QuorumReplicas(String leader, List<String> members, List<String> online) {}
