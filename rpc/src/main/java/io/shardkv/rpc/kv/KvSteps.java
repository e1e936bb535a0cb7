package io.shardkv.rpc.kv;

import io.shardkv.rpc.GroupClient;

/**
 * How a caller that retries a key/value request within one group (the client library, a replica
 * forwarding a write) reads each answer: every status the servers decide is the answer; leader
 * hints are followed; timeouts and stopping servers are retried, the request unchanged.
 */
public final class KvSteps {

    private KvSteps() {
    }

    public static GroupClient.Step<KvResponse> classify(Object response) {
        if (!(response instanceof KvResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case WRONG_LEADER -> new GroupClient.Redirect<>(r.leaderHint());
            case TIMEOUT, SHUTTING_DOWN -> new GroupClient.Retry<>();
            default -> new GroupClient.Done<>(r);
        };
    }
}
