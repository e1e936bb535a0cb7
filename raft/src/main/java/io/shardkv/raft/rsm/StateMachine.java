package io.shardkv.raft.rsm;

/**
 * A replicated service's state, driven by an {@link RsmHost}. Every method is called on the
 * node's thread. {@link #apply} must be deterministic: the same commands in the same order give
 * the same state and replies on every replica, so it must not read clocks, random numbers or
 * iterate unordered collections to decide anything.
 */
public interface StateMachine {

    /**
     * Applies the committed command at {@code index} and returns the reply for its client.
     * {@code timeMillis} is replicated time: the largest leader timestamp applied so far, the same
     * on every replica at this entry (never a local clock).
     */
    byte[] apply(long index, long timeMillis, byte[] command);

    /** Answers a read-only query from the current state (never logged). */
    byte[] query(byte[] query);

    /** The whole state, to be restored by {@link #restore}. */
    byte[] snapshot();

    /** Replaces the whole state. */
    void restore(byte[] snapshot);
}
