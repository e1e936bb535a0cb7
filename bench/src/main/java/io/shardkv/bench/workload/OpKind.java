package io.shardkv.bench.workload;

/** The operations a workload mixes. */
public enum OpKind {
    /** A linearizable read of one key. */
    READ,
    /** A write of a whole value (YCSB's "update"). */
    WRITE,
    /** A compare-and-set of one key: a conditional write. */
    CAS
}
