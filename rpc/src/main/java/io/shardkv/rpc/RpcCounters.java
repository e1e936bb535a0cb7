package io.shardkv.rpc;

import java.util.concurrent.atomic.LongAdder;

/** What a server's port received and what went wrong on it since it opened, for metrics; any thread. */
public final class RpcCounters {

    private final LongAdder failedRequests = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();

    /** Requests whose handler failed (answered with an ERROR frame). */
    public long failedRequests() {
        return failedRequests.sum();
    }

    /** Connections closed for breaking the protocol (malformed frames, a bad handshake). */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    /** Bytes of the frames received after the handshake (messages from peers and requests alike), length prefixes included. */
    public long receivedBytes() {
        return receivedBytes.sum();
    }

    void requestFailed() {
        failedRequests.increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }

    void received(int bytes) {
        receivedBytes.add(bytes);
    }
}
