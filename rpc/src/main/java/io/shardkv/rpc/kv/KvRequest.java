package io.shardkv.rpc.kv;

import io.shardkv.rpc.MetricLabel;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;
import java.util.Objects;

/**
 * One key/value operation from a client session. {@code seq} numbers the session's writes from 1
 * and {@code lowestUnacked} is the lowest seq whose reply the client has not yet received; a retry
 * repeats both, which is what makes writes exactly-once. Reads (GET) carry them too but need no
 * dedup.
 *
 * @param value    the value to PUT, APPEND or CAS in; empty otherwise
 * @param expected for CAS, the value expected; null to expect the key to be absent
 */
public record KvRequest(long clientId, long seq, long lowestUnacked, KvOp op, byte[] key, byte[] value,
                        byte[] expected) implements MetricLabel, RequiresRole {

    private static final byte[] NONE = new byte[0];

    public KvRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        value = value == null ? NONE : value;
        if (op != KvOp.CAS && expected != null) {
            throw new IllegalArgumentException("only CAS carries an expected value, not " + op);
        }
    }

    public static KvRequest get(long clientId, long seq, long lowestUnacked, byte[] key) {
        return new KvRequest(clientId, seq, lowestUnacked, KvOp.GET, key, NONE, null);
    }

    @Override
    public String metricLabel() {
        return op.name();
    }

    @Override
    public Role requiredRole() {
        return op.isRead() ? Role.READONLY : Role.READWRITE;
    }
}
