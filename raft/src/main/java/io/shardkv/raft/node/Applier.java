package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SoftState;

/**
 * The state machine side of a node. Called on the node's thread, in log order, only with entries
 * that are committed and durable locally; must be deterministic and must not block on the node.
 */
public interface Applier {

    /** Applies one committed entry (no-op entries included, so indexes are contiguous). */
    void apply(Entry entry);

    /** Replaces the whole state with {@code snapshot}, received from the leader. */
    void restore(Snapshot snapshot);

    /** The node's term, role or known leader changed. */
    default void onSoftStateChange(SoftState state) {
    }
}
