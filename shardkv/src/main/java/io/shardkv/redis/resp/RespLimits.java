package io.shardkv.redis.resp;

import io.shardkv.rpc.kv.KvLimits;

/**
 * How much of a command the RESP decoder accepts: arguments per command, bytes per bulk string and
 * per command, and the length of a header or inline line. Redis's own limits are larger (512 MB
 * bulks); these follow what the store can hold — a bulk of up to the largest value plus room for
 * a key beside it.
 */
public record RespLimits(int maxArguments, int maxBulkBytes, long maxCommandBytes, int maxInlineBytes,
                         int maxHeaderBytes) {

    public static final RespLimits DEFAULTS = new RespLimits(1 << 20, KvLimits.MAX_VALUE_BYTES,
            4L * KvLimits.MAX_VALUE_BYTES, 64 << 10, 64);

    public RespLimits {
        if (maxArguments < 1 || maxBulkBytes < 1 || maxCommandBytes < maxBulkBytes || maxInlineBytes < 1
                || maxHeaderBytes < 4) {
            throw new IllegalArgumentException("RESP limits must be positive (and a command at least one bulk): " + this);
        }
    }
}
