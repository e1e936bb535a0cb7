package io.shardkv.rpc;

import java.util.concurrent.atomic.LongAdder;

/** What went wrong on a server's port since it opened, for metrics; any thread. */
public final class RpcErrors {

    private final LongAdder failedRequests = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();

    /** Requests whose handler failed (answered with an ERROR frame). */
    public long failedRequests() {
        return failedRequests.sum();
    }

    /** Connections closed for breaking the protocol (malformed frames, a bad handshake). */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    void requestFailed() {
        failedRequests.increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }
}
