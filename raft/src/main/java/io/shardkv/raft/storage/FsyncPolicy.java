package io.shardkv.raft.storage;

/** Whether writes are forced to stable storage before Raft acts on them. */
public enum FsyncPolicy {
    /** fsync every batch before anything it contains is acknowledged. The only safe setting. */
    ALWAYS,
    /**
     * Never fsync. A machine crash can lose acknowledged writes and break Raft's guarantees: for
     * tests and benchmarks only, and logged as unsafe when a node starts with it.
     */
    NEVER
}
