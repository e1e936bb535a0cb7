package io.shardkv.raft.transport;

/**
 * The outbound connection to one peer, as counted since it was opened.
 *
 * @param sentMessages    messages and requests written to the socket
 * @param sentBytes       their bytes
 * @param sendFailures    frames whose write failed (the connection broke under them)
 * @param droppedMessages one-way messages dropped (queue full while the peer was unreachable)
 * @param connected       whether a connection with a completed handshake is up now
 */
public record PeerTraffic(long sentMessages, long sentBytes, long sendFailures, long droppedMessages,
                          boolean connected) {
}
