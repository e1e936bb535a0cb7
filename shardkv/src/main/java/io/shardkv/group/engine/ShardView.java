package io.shardkv.group.engine;

import io.shardkv.kv.Key;

/** What can be read of one shard's data: its entries in key order (unsigned bytes) and their count. */
public interface ShardView {

    /** Entries held. */
    long size();

    /**
     * Gives {@code visitor} each entry after {@code after} (null: from the first), in key order,
     * until it answers false or the entries end.
     */
    void scan(Key after, EntryVisitor visitor);

    /**
     * Done with a {@linkplain ShardData#capture capture}: the engine may free what keeps its
     * instant readable. Not scanned again after. An engine must also free it if nobody calls this
     * (a snapshot abandoned before it was written), so calling it is prompt, not required.
     */
    default void release() {
    }
}
