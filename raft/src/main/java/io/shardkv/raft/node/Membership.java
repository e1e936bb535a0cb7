package io.shardkv.raft.node;

import io.shardkv.raft.core.tracker.MembershipConfig;

/**
 * A node's view of its group's membership, safe to read from any thread.
 *
 * @param config    the configuration the node acts under (its log's latest configuration entry)
 * @param index     the index of that entry
 * @param committed whether the node knows that entry is committed
 */
public record Membership(MembershipConfig config, long index, boolean committed) {

    /** Whether the group, as far as this node knows for sure, no longer includes {@code id}. */
    public boolean removed(int id) {
        return committed && !config.isEmpty() && !config.isMember(id);
    }
}
