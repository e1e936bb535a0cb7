package io.shardkv.rpc.kv;

import io.shardkv.rpc.GroupClient;

/** How a client treats a key/value server's answer when it calls a replica group with {@link GroupClient}. */
public final class KvReplies {

    private KvReplies() {
    }

    /**
     * Outcomes (including WRONG_GROUP, which the caller resolves by asking the controller) are
     * answers; WRONG_LEADER follows the hint; a timeout or a stopping server is retried elsewhere;
     * anything else (a refused request) fails the call.
     */
    public static GroupClient.Step<KvResponse> classify(Object response) {
        if (!(response instanceof KvResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case OK, NO_KEY, CAS_FAILED, WRONG_GROUP -> new GroupClient.Done<>(r);
            case WRONG_LEADER -> new GroupClient.Redirect<>(r.leaderHint());
            case TIMEOUT, SHUTTING_DOWN -> new GroupClient.Retry<>();
            default -> new GroupClient.Fail<>(new IllegalStateException(r.status() + " (" + r.message() + ")"));
        };
    }
}
