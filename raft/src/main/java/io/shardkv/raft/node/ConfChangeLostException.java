package io.shardkv.raft.node;

/**
 * A membership change a leader accepted did not commit: another entry was applied at its index
 * (its leader lost leadership before replicating it). Nothing changed; it may be proposed again.
 */
public final class ConfChangeLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfChangeLostException(long index, long term) {
        super("the membership change at index " + index + " (term " + term + ") was lost: another entry committed"
                + " there; nothing changed");
    }
}
