package io.shardkv.rpc.ctrler;

/** Outcomes of a controller request. The order is part of the wire format: add new constants at the end. */
public enum CtrlerStatus {
    OK,
    /** Not the leader; retry at the hinted address if there is one. */
    WRONG_LEADER,
    /** No outcome within the server's deadline; retrying with the same session and seq is safe. */
    TIMEOUT,
    /** Refused (unknown group, existing group, shard out of range, …); the message says why. Not applied. */
    BAD_REQUEST,
    /** The client's session expired; the request was not applied now. */
    SESSION_EXPIRED,
    /** The server is stopping; retry elsewhere. */
    SHUTTING_DOWN
}
