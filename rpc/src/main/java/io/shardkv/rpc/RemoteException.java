package io.shardkv.rpc;

/** The peer's handler failed a request; the message is the peer's description of the failure. */
public final class RemoteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RemoteException(String message) {
        super(message);
    }
}
