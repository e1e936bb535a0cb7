package io.shardkv.client;

/** Why a {@link ShardKvClient} call failed; {@link #kind()} says what to do about it. */
public final class ShardKvException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Kind {
        /** No outcome within the call's timeout: the write may or may not have been applied. */
        TIMEOUT,
        /** The cluster refused the request as invalid (for example a key or value too large); retrying will not help. */
        BAD_REQUEST,
        /** The client's session expired on the server; a new client is needed to go on writing. */
        SESSION_EXPIRED,
        /** The client was closed. */
        CLOSED,
        /** The calling thread was interrupted while waiting; the call may still complete. */
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
