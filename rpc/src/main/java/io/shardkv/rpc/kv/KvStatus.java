package io.shardkv.rpc.kv;

/**
 * The closed set of outcomes a key/value request can have. Never a stack trace. The order is part
 * of the wire format: add new constants at the end.
 */
public enum KvStatus {
    /** Done: a GET found the value, a write applied, a DELETE removed an existing key, a CAS swapped. */
    OK,
    /** GET or DELETE of a key that does not exist. */
    NO_KEY,
    /** CAS did not match; the response carries the current value (null if absent). */
    CAS_FAILED,
    /** This server is not the leader; retry at the hinted address if there is one. */
    WRONG_LEADER,
    /** This group does not (yet) serve the key's shard; refresh the configuration. */
    WRONG_GROUP,
    /** No outcome within the server's deadline; retrying with the same session and seq is safe. */
    TIMEOUT,
    /** The client's session expired; the request was not applied now (a new session is needed). */
    SESSION_EXPIRED,
    /** The request is malformed or refused; the message says why. Not applied. */
    BAD_REQUEST,
    /** The server is stopping; retry elsewhere. */
    SHUTTING_DOWN
}
