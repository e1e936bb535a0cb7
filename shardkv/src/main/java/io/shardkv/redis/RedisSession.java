package io.shardkv.redis;

import io.shardkv.kv.KvCommands;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import java.util.List;
import java.util.TreeSet;

/**
 * The exactly-once session behind one RESP connection: every write gets the next sequence number,
 * and the shards keep the replies of those the client has not been answered yet, so the replica's
 * own retries of a write (after a timeout or a leader change inside the server) apply it once. A
 * write the client retries on a new connection is a new write, as in Redis. Confined to the
 * connection's event loop.
 */
final class RedisSession {

    private final long clientId;
    private final TreeSet<Long> unanswered = new TreeSet<>();
    private long nextSeq = 1;

    RedisSession(long clientId) {
        this.clientId = clientId;
    }

    /** A new write of this session. */
    KvRequest write(KvOp op, byte[] key, byte[] value, byte[] expected) {
        long seq = nextSeq++;
        unanswered.add(seq);
        return new KvRequest(clientId, seq, unanswered.first(), op, key, value, expected);
    }

    /** A read: it needs no sequence number of its own. */
    KvRequest read(byte[] key) {
        return KvRequest.get(clientId, 0, lowestUnanswered(), key);
    }

    /** A read of several keys of one shard at one point. */
    KvRequest readAll(List<byte[]> keys) {
        return new KvRequest(clientId, 0, lowestUnanswered(), KvOp.MULTI_GET, keys.get(0), KvCommands.encodeList(keys), null);
    }

    /** The client has the answer to {@code request} (or an error in its place): its reply need not be kept. */
    void answered(KvRequest request) {
        if (!request.op().isRead()) {
            unanswered.remove(request.seq());
        }
    }

    private long lowestUnanswered() {
        return unanswered.isEmpty() ? nextSeq : unanswered.first();
    }
}
