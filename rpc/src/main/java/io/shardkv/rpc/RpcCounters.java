package io.shardkv.rpc;

import io.shardkv.rpc.ConnectionLimits.Limit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a server's port holds, received and refused, and what went wrong on it since it opened, for metrics; any thread. */
public final class RpcCounters {

    private final LongAdder failedRequests = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder permissionDenied = new LongAdder();
    private final Map<Limit, LongAdder> limitHits = new EnumMap<>(Limit.class);
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong incompleteFrameBytes = new AtomicLong();

    RpcCounters() {
        for (Limit limit : Limit.values()) {
            limitHits.put(limit, new LongAdder());
        }
    }

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

    /** Requests refused because the connection's certificate lacks the role they need. */
    public long permissionDenied() {
        return permissionDenied.sum();
    }

    /**
     * Times {@code limit} was hit: connections refused or closed for it, or, for
     * {@link Limit#REQUESTS_PER_CONNECTION}, times reading a connection was paused.
     */
    public long limitHits(Limit limit) {
        return limitHits.get(limit).sum();
    }

    /** Accepted connections open now, handshakes and refusals being written included. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Bytes buffered now for frames not yet complete, over every connection. */
    public long incompleteFrameBytes() {
        return incompleteFrameBytes.get();
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

    void denied() {
        permissionDenied.increment();
    }

    void limitHit(Limit limit) {
        limitHits.get(limit).increment();
    }

    /** Counts an accepted connection; returns how many are open with it. */
    int connectionOpened() {
        return openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /** Adds {@code delta} (negative to give bytes back) to the incomplete-frame bytes; returns the new total. */
    long addIncompleteFrameBytes(long delta) {
        return incompleteFrameBytes.addAndGet(delta);
    }
}
