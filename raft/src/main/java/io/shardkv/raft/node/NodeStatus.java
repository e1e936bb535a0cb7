package io.shardkv.raft.node;

import io.shardkv.raft.core.Role;

/** A point-in-time view of a node, safe to read from any thread. */
public record NodeStatus(int id, long term, Role role, int leader, long commitIndex, long appliedIndex,
                         long lastIndex, boolean running) {
}
