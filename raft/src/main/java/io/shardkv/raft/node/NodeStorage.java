package io.shardkv.raft.node;

import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Durable storage as a {@link NodeDriver} uses it: files on a real node ({@link FileNodeStorage}),
 * the simulator's model of a disk in tests. A storage error is an unchecked exception, which stops
 * the node.
 */
public interface NodeStorage {

    /** Where the bytes of a snapshot the leader sends go while its chunks arrive. */
    SnapshotSpool spool();

    /**
     * Makes {@code rd} durable: {@code received} (its snapshot, with the spooled bytes) if it has
     * one, its entries and its hard state. Then calls {@code done} with the snapshot as stored (null
     * without one) — before returning, or later as an input of the node (the simulator's fsync).
     */
    void persist(Ready rd, Snapshot received, Consumer<Snapshot> done);

    /**
     * Writes a local snapshot, {@code image} captured at {@code meta}, somewhere durable but not yet
     * in place; completes (on any thread) once it is.
     */
    CompletableFuture<WrittenSnapshot> writeSnapshot(SnapshotMeta meta, SnapshotImage image);

    /** A local snapshot written by {@link #writeSnapshot}, waiting to take effect or to be dropped. */
    interface WrittenSnapshot {

        /** Puts it in place of the previous snapshot and frees the log it covers; returns it stored. */
        Snapshot install();

        /** Deletes it: a newer snapshot made it useless. */
        void discard();
    }
}
