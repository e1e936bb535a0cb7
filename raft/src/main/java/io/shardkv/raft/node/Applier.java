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

    /**
     * The entries {@link #apply} was given since the last call are one batch, which a state
     * machine that keeps its own state durably may make one write.
     */
    default void appliedBatch() {
    }

    /** Replaces the whole state with {@code snapshot}, received from the leader. */
    void restore(Snapshot snapshot);

    /**
     * For a state machine that keeps its own state durably: the entry that state was applied up to
     * when it reopened, or null (nothing kept). Asked once, before anything is applied.
     */
    default DurablePoint durablyApplied() {
        return null;
    }

    /**
     * Whether the node took {@link #durablyApplied}: true, applying goes on after it; false, its
     * entry is not in the log, so the state machine forgets what it kept and starts empty (the
     * snapshot, if any, is restored next).
     */
    default void resumeDurable(boolean taken) {
    }

    /** The node's term, role or known leader changed. */
    default void onSoftStateChange(SoftState state) {
    }
}
