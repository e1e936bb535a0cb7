package io.shardkv.raft.node;

import io.shardkv.raft.core.RaftConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the node runtime around the Raft core.
 *
 * @param raft          the core's settings (times in ticks)
 * @param tick          length of one tick
 * @param inboxCapacity inputs (messages, proposals, …) queued for the node thread before new ones
 *                      are refused: messages dropped and counted, requests failed
 * @param maxBatch      inputs handled per loop iteration before the Ready is written, which bounds
 *                      latency under load while still batching
 */
public record NodeOptions(RaftConfig raft, Duration tick, int inboxCapacity, int maxBatch) {

    public static final Duration DEFAULT_TICK = Duration.ofMillis(10);
    public static final int DEFAULT_INBOX_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_BATCH = 4_096;
    /** 50 ms heartbeats and a 0.5–1 s election timeout at the default tick. */
    public static final int DEFAULT_HEARTBEAT_TICKS = 5;
    public static final int DEFAULT_ELECTION_TICKS = 50;

    public NodeOptions {
        Objects.requireNonNull(raft, "raft");
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, was " + tick);
        }
        if (inboxCapacity < 1) {
            throw new IllegalArgumentException("inboxCapacity must be >= 1, was " + inboxCapacity);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
    }

    /** Runtime defaults around {@code raft}. */
    public static NodeOptions of(RaftConfig raft) {
        return new NodeOptions(raft, DEFAULT_TICK, DEFAULT_INBOX_CAPACITY, DEFAULT_MAX_BATCH);
    }
}
