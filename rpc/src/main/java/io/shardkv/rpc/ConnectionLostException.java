package io.shardkv.rpc;

/**
 * A request could not be answered because the connection to the peer failed, closed, or could
 * not be established; whether the peer processed the request is unknown.
 */
public final class ConnectionLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConnectionLostException(String message) {
        super(message);
    }
}
