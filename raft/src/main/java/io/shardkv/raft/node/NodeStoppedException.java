package io.shardkv.raft.node;

/** The node stopped (closed, or failed on a broken invariant or a storage error) before the request completed. */
public final class NodeStoppedException extends Exception {

    private static final long serialVersionUID = 1L;

    public NodeStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
