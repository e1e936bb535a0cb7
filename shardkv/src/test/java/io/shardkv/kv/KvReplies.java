package io.shardkv.kv;

import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.kv.KvResponse;

/**
 * How the tests' clerks treat a key/value server's answer when they call a replica group with
 * {@link GroupClient} (the client library has its own rules, which turn statuses into exceptions).
 */
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
