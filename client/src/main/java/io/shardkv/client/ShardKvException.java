package io.shardkv.client;

/** Why a {@link ShardKvClient} call failed; {@link #kind()} says what to do about it. */
public final class ShardKvException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure: when each happens, and whether a write may have been applied. */
    public enum Kind {
        /**
         * The call's timeout passed without an outcome after the request was sent to the group
         * owning its key (which may be down, cut off or slow): a write may or may not have been
         * applied. Read the key before writing it again if that matters.
         */
        TIMEOUT,
        /**
         * The call's timeout passed before the request could be sent to any group: no controller
         * gave a configuration (none reachable, or none with a leader), no group serves the key's
         * shard, or its group's servers cannot be addressed. The message says which. A write was
         * not applied.
         */
        UNAVAILABLE,
        /**
         * The request was refused as invalid, at once: by the cluster (for example a key or value
         * over its limits, with the cluster's reason) or by this client (too large to send).
         * Nothing was applied; retrying will not help.
         */
        BAD_REQUEST,
        /**
         * The cluster forgot this client's session (idle longer than its session timeout); a new
         * client is needed to go on writing. This write was refused, but an earlier attempt of it
         * may have been applied before the session was forgotten.
         */
        SESSION_EXPIRED,
        /**
         * The cluster refused the request because this client's certificate lacks the role it
         * needs (the message names both). Nothing was applied; retrying will not help.
         */
        PERMISSION_DENIED,
        /** The client was closed before the call had an outcome: a write may or may not have been applied. */
        CLOSED,
        /**
         * The calling thread was interrupted while waiting for a blocking call; the call goes on,
         * so a write may still be applied.
         */
        INTERRUPTED
    }

    private final Kind kind;

    /** A failure of {@code kind}, described by {@code message}. */
    public ShardKvException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    /** A failure of {@code kind}, described by {@code message}, caused by {@code cause}. */
    public ShardKvException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    /** What kind of failure this is. */
    public Kind kind() {
        return kind;
    }
}
