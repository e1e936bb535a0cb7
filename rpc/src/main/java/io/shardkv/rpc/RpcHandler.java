package io.shardkv.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * What an {@link RpcServer} does with the messages and requests of its peers.
 *
 * <p>Both methods are called on a transport (Netty event loop) thread, one connection's frames in
 * the order they arrived. They must not block: hand work to another thread (or a Raft node's
 * queue) and return. An exception thrown by {@link #onMessage} is treated as a bug: it is logged
 * and the connection is closed.
 */
public interface RpcHandler {

    /**
     * A one-way message from a peer.
     *
     * @param fromNodeId the node id the peer announced in its handshake (0 for a client)
     */
    void onMessage(int fromNodeId, Object message);

    /**
     * A request from a peer. The future's value (of a registered type, or null) is sent back as
     * the response. A future completed exceptionally (or an exception thrown here) reaches the
     * caller as a {@link RemoteException} carrying the exception's class and message, never its
     * stack trace; it is logged here as a bug. Expected failures belong in the response value.
     *
     * @param fromNodeId the node id the peer announced in its handshake (0 for a client)
     */
    CompletableFuture<?> onRequest(int fromNodeId, Object request);
}
