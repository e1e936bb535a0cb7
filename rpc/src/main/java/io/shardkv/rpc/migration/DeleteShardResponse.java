package io.shardkv.rpc.migration;

import io.shardkv.rpc.MetricLabel;
import java.util.Objects;

/**
 * The answer to a {@link DeleteShardRequest}: OK once the copy is deleted (or was long ago).
 *
 * @param leaderHint with WRONG_LEADER, the leader's address ({@code host:port}) if known
 * @param message    with BAD_REQUEST and other refusals, why
 */
public record DeleteShardResponse(MigrationStatus status, String leaderHint, String message) implements MetricLabel {

    public DeleteShardResponse {
        Objects.requireNonNull(status, "status");
        if (status == MigrationStatus.GONE) {
            throw new IllegalArgumentException("a delete is never GONE: deleting twice is OK");
        }
    }

    public static DeleteShardResponse of(MigrationStatus status) {
        return new DeleteShardResponse(status, null, null);
    }

    public static DeleteShardResponse wrongLeader(String leaderHint) {
        return new DeleteShardResponse(MigrationStatus.WRONG_LEADER, leaderHint, null);
    }

    @Override
    public String metricLabel() {
        return status.name();
    }
}
