package io.shardkv.raft.node;

import io.shardkv.raft.core.Message;

/** How a node's messages reach its peers. Implementations never block and may drop (Raft retries). */
public interface RaftTransport {

    /** Queues {@code message} for {@code message.to()}. Called on the node's thread. */
    void send(Message message);
}
