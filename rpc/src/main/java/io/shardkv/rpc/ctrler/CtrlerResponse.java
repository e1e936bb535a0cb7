package io.shardkv.rpc.ctrler;

import io.shardkv.rpc.MetricLabel;
import java.util.Objects;

/**
 * The outcome of a {@link CtrlerRequest}.
 *
 * @param config     QUERY: the configuration; JOIN/LEAVE/MOVE: the configuration the change created
 * @param leaderHint with WRONG_LEADER, the leader's address ({@code host:port}) if known
 * @param message    with BAD_REQUEST and other refusals, why
 */
public record CtrlerResponse(CtrlerStatus status, Config config, String leaderHint, String message) implements MetricLabel {

    public CtrlerResponse {
        Objects.requireNonNull(status, "status");
    }

    public static CtrlerResponse ok(Config config) {
        return new CtrlerResponse(CtrlerStatus.OK, config, null, null);
    }

    public static CtrlerResponse refused(CtrlerStatus status, String message) {
        return new CtrlerResponse(status, null, null, message);
    }

    public static CtrlerResponse wrongLeader(String hint) {
        return new CtrlerResponse(CtrlerStatus.WRONG_LEADER, null, hint, null);
    }

    @Override
    public String metricLabel() {
        return status.name();
    }
}
