package io.shardkv.rpc.migration;

import io.shardkv.rpc.MetricLabel;

/**
 * Tells a group that the shard it froze at configuration {@code handoff} is installed at its new
 * owner, so its copy can go. Applied through the asked group's log, so only its leader answers OK.
 */
public record DeleteShardRequest(int shard, long handoff) implements MetricLabel {

    public DeleteShardRequest {
        if (shard < 0) {
            throw new IllegalArgumentException("shard must be >= 0, was " + shard);
        }
        if (handoff < 1) {
            throw new IllegalArgumentException("handoff must be >= 1, was " + handoff);
        }
    }

    @Override
    public String metricLabel() {
        return "DELETE_SHARD";
    }
}
