package io.shardkv.rpc.ctrler;

/** Controller operations. The order is part of the wire format: add new constants at the end. */
public enum CtrlerOp {
    /** Add groups (with their servers); rebalances. */
    JOIN,
    /** Remove groups; their shards go to the survivors. */
    LEAVE,
    /** Assign one shard to one group, as a manual override until the next join or leave. */
    MOVE,
    /** Read a configuration by number (-1 or past the end: the latest). */
    QUERY,
    /**
     * Replace the servers recorded for groups that have joined (their Raft membership changed);
     * no shard moves.
     */
    SERVERS
}
