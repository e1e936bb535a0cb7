package io.shardkv.rpc.migration;

/**
 * Outcomes of the requests one shard group sends another while moving a shard. The order is part
 * of the wire format: add new constants at the end.
 */
public enum MigrationStatus {
    /** Done: a pull returns its chunk, a delete has been applied (or was already). */
    OK,
    /** The asked group has not yet reached the configuration that froze the shard; ask again later. */
    NOT_READY,
    /** The asked group no longer holds the shard frozen at that configuration (already deleted). */
    GONE,
    /** Deletes go through the leader; retry at the hinted address if there is one. */
    WRONG_LEADER,
    /** No outcome within the server's deadline; retrying is safe. */
    TIMEOUT,
    /** The request is malformed; the message says why. */
    BAD_REQUEST,
    /** The server is stopping; retry elsewhere. */
    SHUTTING_DOWN
}
