package io.shardkv.group.engine;

/**
 * The engine could not read or write (an I/O error, a corrupt file, a closed engine). The node
 * cannot go on applying the log without its state, so this stops it, like a failed Raft log write.
 */
public final class EngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineException(String message) {
        super(message);
    }
}
