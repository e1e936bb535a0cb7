package io.shardkv.rpc.kv;

import io.shardkv.rpc.MetricLabel;
import java.util.Objects;

/**
 * The outcome of a {@link KvRequest}.
 *
 * @param value      GET's value; CAS_FAILED's current value (null if absent); otherwise null
 * @param leaderHint with WRONG_LEADER, the leader's address ({@code host:port}) if known
 * @param message    with BAD_REQUEST and other refusals, why
 */
public record KvResponse(KvStatus status, byte[] value, String leaderHint, String message) implements MetricLabel {

    public KvResponse {
        Objects.requireNonNull(status, "status");
    }

    public static KvResponse of(KvStatus status) {
        return new KvResponse(status, null, null, null);
    }

    public static KvResponse value(byte[] value) {
        return new KvResponse(KvStatus.OK, value, null, null);
    }

    public static KvResponse wrongLeader(String leaderHint) {
        return new KvResponse(KvStatus.WRONG_LEADER, null, leaderHint, null);
    }

    public static KvResponse refused(KvStatus status, String message) {
        return new KvResponse(status, null, null, message);
    }

    @Override
    public String metricLabel() {
        return status.name();
    }
}
