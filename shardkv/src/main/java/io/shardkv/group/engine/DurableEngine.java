package io.shardkv.group.engine;

import java.util.function.BiPredicate;

/**
 * An engine whose content survives the process, so the group keeps its whole state here — beside
 * the shards' data, its own records (configuration, shard heads, sessions, the applied entry) —
 * and a restart resumes from it instead of rebuilding it from the Raft snapshot and log.
 *
 * <p>Writes, to data and records alike, gather until {@link #commit}, which makes them one atomic
 * step: a crash leaves the engine at some commit, whole. Commits are not synced one by one (the
 * Raft log is the write-ahead log); {@link #persist} makes every commit so far survive a crash.
 * Point reads on the node's thread see every write, committed or not, range deletes included; a
 * scan or a capture commits what is gathered first.
 */
public interface DurableEngine extends GroupEngine {

    /** The data kept for {@code shard}, which holds {@code size} entries: a shard of the reopened state. */
    ShardData reopenShard(int shard, long size);

    /** The group's record under {@code key}, or null. */
    byte[] record(byte[] key);

    void putRecord(byte[] key, byte[] value);

    void deleteRecord(byte[] key);

    /** Deletes the records from {@code start} (inclusive) to {@code end} (exclusive). */
    void deleteRecords(byte[] start, byte[] end);

    /**
     * Gives {@code visitor} each record whose key starts with {@code prefix}, in key order (unsigned
     * bytes), until it answers false. Commits what is gathered first.
     */
    void scanRecords(byte[] prefix, BiPredicate<byte[], byte[]> visitor);

    /**
     * Runs {@code hook} at the start of every commit, whoever asks for it (a scan, a capture): the
     * group writes the point its records are at, so no commit leaves them without it.
     */
    void beforeCommit(Runnable hook);

    /** Every commit so far survives a crash once this returns; any thread. */
    void persist();

    /** Forgets everything, data and records: empty, as new. No shard may be held. */
    void clear();
}
