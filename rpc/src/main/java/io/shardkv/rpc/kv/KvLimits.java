package io.shardkv.rpc.kv;

/**
 * Sizes a key/value service accepts. Values are bounded so that a shard can always move in
 * chunks that fit a frame, and one entry never dominates a Raft batch.
 */
public final class KvLimits {

    public static final int MAX_KEY_BYTES = 64 * 1024;
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private KvLimits() {
    }

    /**
     * Why a key or value of these sizes is refused, or null if they are acceptable; {@code value}
     * may be null. The server and the client library say it in the same words, so a request the
     * client refuses before sending reads like one the server refused.
     */
    public static String problem(byte[] key, byte[] value) {
        if (key.length > MAX_KEY_BYTES) {
            return "key of " + key.length + " bytes exceeds the limit of " + MAX_KEY_BYTES;
        }
        if (value != null && value.length > MAX_VALUE_BYTES) {
            return "value of " + value.length + " bytes exceeds the limit of " + MAX_VALUE_BYTES;
        }
        return null;
    }

    /** The refusal of a request whose key or value is too large, or null if its sizes are acceptable. */
    public static KvResponse refusal(KvRequest request) {
        String problem = problem(request.key(), request.value());
        return problem == null ? null : KvResponse.refused(KvStatus.BAD_REQUEST, problem);
    }
}
