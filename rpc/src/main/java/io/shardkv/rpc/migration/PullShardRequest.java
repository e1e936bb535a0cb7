package io.shardkv.rpc.migration;

import io.shardkv.rpc.MetricLabel;

/**
 * Asks a group for the next chunk of a shard it froze at configuration {@code handoff}: the
 * entries with keys after {@code after} (null: from the first key), about {@code maxBytes} of them.
 * Any replica of the asked group can answer: a frozen shard never changes.
 */
public record PullShardRequest(int shard, long handoff, byte[] after, int maxBytes) implements MetricLabel {

    public PullShardRequest {
        if (shard < 0) {
            throw new IllegalArgumentException("shard must be >= 0, was " + shard);
        }
        if (handoff < 1) {
            throw new IllegalArgumentException("handoff must be >= 1, was " + handoff);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
    }

    @Override
    public String metricLabel() {
        return "PULL_SHARD";
    }
}
