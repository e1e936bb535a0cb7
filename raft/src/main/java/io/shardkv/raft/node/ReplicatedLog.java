package io.shardkv.raft.node;

import io.shardkv.raft.core.SnapshotImage;
import java.util.concurrent.CompletableFuture;

/**
 * What a replicated service needs from its Raft node, whether a real {@link RaftNode} or a node
 * in the deterministic simulator. Every future completes, and every {@link #execute} action runs,
 * on the node's own thread — the thread that also calls the service's {@link Applier} — so a
 * service built on this interface is single-threaded without locks.
 */
public interface ReplicatedLog {

    /** Proposes {@code data}; fails with {@link NotLeaderException} unless this node leads. */
    CompletableFuture<Proposal> propose(byte[] data);

    /**
     * Completes with a read index once a quorum confirmed this node's leadership and the local
     * state machine has applied that index; fails with {@link NotLeaderException} otherwise.
     */
    CompletableFuture<Long> readIndex();

    /**
     * Discards the log up to {@code index}, captured in {@code image} — written out while the node
     * goes on; a no-op if the log is already compacted past it (a snapshot from the leader arrived
     * while this one was taken). Completes once the snapshot is durable and in place.
     */
    CompletableFuture<Void> compact(long index, SnapshotImage image);

    /** Runs {@code action} on the node's thread. */
    void execute(Runnable action);

    /** This node's id in its group. */
    int id();
}
