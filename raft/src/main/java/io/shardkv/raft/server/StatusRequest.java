package io.shardkv.raft.server;

/**
 * Asks any replica for its {@link io.shardkv.raft.node.NodeStatus} (term, Raft role, leader,
 * indexes): answered by the {@link ReplicaServer} itself, whatever service it runs, without
 * touching the log.
 */
public record StatusRequest() {
}
