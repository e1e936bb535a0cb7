package io.shardkv.rpc.kv;

/** The key/value operations. The order is part of the wire format: add new constants at the end. */
public enum KvOp {
    GET,
    PUT,
    APPEND,
    DELETE,
    /** Compare-and-set: replace the value if it equals the expected one (or if the key is absent, when none is expected). */
    CAS
}
