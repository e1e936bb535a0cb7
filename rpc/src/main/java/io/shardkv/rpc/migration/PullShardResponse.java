package io.shardkv.rpc.migration;

import io.shardkv.rpc.MetricLabel;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link PullShardRequest}.
 *
 * @param configNum the configuration the asked group has reached (what NOT_READY waits for)
 * @param keys      OK: the chunk's keys, ascending, after the asked-for key
 * @param values    OK: the value of each key, same order
 * @param last      OK: no keys follow this chunk
 * @param sessions  OK and last: the shard's exactly-once table, to install with the data
 * @param message   with BAD_REQUEST, why
 */
public record PullShardResponse(MigrationStatus status, long configNum, List<byte[]> keys, List<byte[]> values,
                                boolean last, byte[] sessions, String message) implements MetricLabel {

    private static final byte[] NONE = new byte[0];

    public PullShardResponse {
        Objects.requireNonNull(status, "status");
        keys = List.copyOf(keys);
        values = List.copyOf(values);
        sessions = sessions == null ? NONE : sessions;
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        if (status != MigrationStatus.OK && (!keys.isEmpty() || last || sessions.length > 0)) {
            throw new IllegalArgumentException("only OK carries a chunk, not " + status);
        }
    }

    public static PullShardResponse chunk(long configNum, List<byte[]> keys, List<byte[]> values, boolean last,
                                          byte[] sessions) {
        return new PullShardResponse(MigrationStatus.OK, configNum, keys, values, last, sessions, null);
    }

    public static PullShardResponse refused(MigrationStatus status, long configNum, String message) {
        return new PullShardResponse(status, configNum, List.of(), List.of(), false, NONE, message);
    }

    @Override
    public String metricLabel() {
        return status.name();
    }
}
