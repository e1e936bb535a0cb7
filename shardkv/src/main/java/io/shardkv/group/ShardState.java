package io.shardkv.group;

/** Where a shard a group holds stands in the current configuration. */
public enum ShardState {
    /** Owned, complete, served. */
    SERVING,
    /** Owned since this configuration; its data is being pulled from the previous holder. Not served. */
    PULLING,
    /** No longer owned; kept, frozen, until the new owner has installed it and says so. Not served. */
    OUTGOING
}
