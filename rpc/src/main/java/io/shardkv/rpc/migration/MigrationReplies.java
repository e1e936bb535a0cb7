package io.shardkv.rpc.migration;

import io.shardkv.rpc.GroupClient;

/**
 * What an answer to a migration request means for the call that sent it. Shared by every sender
 * (the real server's and the simulator's), so they retry alike.
 */
public final class MigrationReplies {

    private MigrationReplies() {
    }

    /**
     * A pull is done with any definite answer, NOT_READY and GONE included (the puller decides
     * what they mean); a replica that cannot answer now makes it try another.
     */
    public static GroupClient.Step<PullShardResponse> pull(Object response) {
        if (!(response instanceof PullShardResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case OK, NOT_READY, GONE -> new GroupClient.Done<>(r);
            case WRONG_LEADER, TIMEOUT, SHUTTING_DOWN -> new GroupClient.Retry<>();
            case BAD_REQUEST -> new GroupClient.Fail<>(new IllegalArgumentException("pull refused: " + r.message()));
        };
    }

    /** A delete goes to the leader: hints are followed; OK and NOT_READY are answers. */
    public static GroupClient.Step<DeleteShardResponse> delete(Object response) {
        if (!(response instanceof DeleteShardResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case OK, NOT_READY -> new GroupClient.Done<>(r);
            case WRONG_LEADER -> r.leaderHint() == null ? new GroupClient.Retry<>()
                    : new GroupClient.Redirect<>(r.leaderHint());
            case TIMEOUT, SHUTTING_DOWN, GONE -> new GroupClient.Retry<>();
            case BAD_REQUEST -> new GroupClient.Fail<>(new IllegalArgumentException("delete refused: " + r.message()));
        };
    }
}
