package io.shardkv.kv;

import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;

/**
 * Sizes a key/value service accepts. Values are bounded so that a shard can always move in
 * chunks that fit a frame, and one entry never dominates a Raft batch.
 */
public final class KvLimits {

    public static final int MAX_KEY_BYTES = 64 * 1024;
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private KvLimits() {
    }

    /** The refusal of a request whose key or value is too large, or null if its sizes are acceptable. */
    public static KvResponse refusal(KvRequest request) {
        if (request.key().length > MAX_KEY_BYTES) {
            return KvResponse.refused(KvStatus.BAD_REQUEST, "key of " + request.key().length
                    + " bytes exceeds the limit of " + MAX_KEY_BYTES);
        }
        if (request.value() != null && request.value().length > MAX_VALUE_BYTES) {
            return KvResponse.refused(KvStatus.BAD_REQUEST, "value of " + request.value().length
                    + " bytes exceeds the limit of " + MAX_VALUE_BYTES);
        }
        return null;
    }
}
