package io.shardkv.rpc.kv;

/** The key/value operations. The order is part of the wire format: add new constants at the end. */
public enum KvOp {
    GET,
    PUT,
    APPEND,
    DELETE,
    /** Compare-and-set: replace the value if it equals the expected one (or if the key is absent, when none is expected). */
    CAS,
    /** Put, answering with the value replaced (none if the key was absent): Redis's GETSET and SET ... GET. */
    GET_AND_PUT,
    /** Put only over an existing value, else NO_KEY: Redis's SET ... XX. */
    PUT_IF_PRESENT,
    /** Delete, answering with the value deleted (NO_KEY if none): Redis's GETDEL. */
    GET_AND_DELETE,
    /**
     * Add the value — a signed 64-bit integer, 8 bytes big-endian — to the key's value read as a
     * decimal integer (an absent key is 0), answering with the new value in decimal: Redis's INCR,
     * DECR, INCRBY and DECRBY.
     */
    INCREMENT,
    /**
     * Put every key and value of a list (the request's value: {@code KvCommands} has the bytes; the
     * request's key is the first key, and every key must be in its shard) in one step: Redis's MSET.
     */
    MULTI_PUT,
    /** Delete every key of a list (as MULTI_PUT's), answering how many existed: Redis's DEL and UNLINK of several keys. */
    MULTI_DELETE,
    /** Read every key of a list (as MULTI_PUT's) at one point: Redis's MGET and EXISTS of several keys. */
    MULTI_GET,
    /**
     * Put every key and value of a list (as MULTI_PUT's) if none of the keys has a value, else
     * CAS_FAILED, changing nothing: Redis's MSETNX.
     */
    MULTI_PUT_IF_ABSENT;

    /** Whether the op only reads: answered by ReadIndex, never logged. */
    public boolean isRead() {
        return this == GET || this == MULTI_GET;
    }
}
