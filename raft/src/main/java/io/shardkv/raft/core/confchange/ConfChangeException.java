package io.shardkv.raft.core.confchange;

/** Why a leader refused a membership change; the message says it in words an operator can act on. */
public final class ConfChangeException extends RuntimeException {

    /** Whether trying again later can help. */
    public enum Reason {
        /** Another change is not finished, or this leader has not committed an entry of its term yet. */
        IN_PROGRESS,
        /** The change makes no sense for the current configuration (and never will). */
        INVALID
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public ConfChangeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
