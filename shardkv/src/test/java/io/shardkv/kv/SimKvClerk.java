package io.shardkv.kv;

import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SimGroupClient;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A key/value clerk as simulator events, behaving like the labs' clerk: one operation at a time,
 * sent through a {@link SimGroupClient} — retried with the same session and seq at the hinted
 * leader, or the next server after a timeout, until it has an outcome. Every operation is
 * recorded in a {@link History} in virtual time.
 */
final class SimKvClerk {

    /** How long to wait for an answer before trying another server. */
    static final long ATTEMPT_TIMEOUT_MICROS = 300_000;
    private static final long RETRY_PAUSE_MICROS = 50_000;

    private final SimCluster cluster;
    private final SimGroupClient group;
    private final History history;
    private final long clientId;
    private long nextSeq = 1;
    private boolean busy;

    /** A clerk at {@code endpoint} (above the server ids) that may talk to {@code servers}. */
    SimKvClerk(SimCluster cluster, int endpoint, List<Integer> servers, History history) {
        this.cluster = cluster;
        this.history = history;
        Random random = new Random(cluster.seed() * 7_919 + endpoint);
        this.clientId = random.nextLong();
        this.group = new SimGroupClient(cluster.world(), endpoint, servers, ATTEMPT_TIMEOUT_MICROS, RETRY_PAUSE_MICROS, random);
    }

    int endpoint() {
        return group.endpoint();
    }

    /** Which servers this clerk may send to (the labs' per-clerk ends). */
    void talkTo(List<Integer> reachable) {
        group.talkTo(reachable);
    }

    boolean busy() {
        return busy;
    }
    /** Reads {@code key}; {@code done} gets its value, or null if absent. */
    void get(String key, Consumer<String> done) {
        run(new KvInput.Get(Bytes.of(key)), KvOp.GET, key, null, null,
                r -> done.accept(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    }

    void put(String key, String value, Runnable done) {
        run(new KvInput.Put(Bytes.of(key), Bytes.of(value)), KvOp.PUT, key, value, null, r -> done.run());
    }

    void append(String key, String value, Runnable done) {
        run(new KvInput.Append(Bytes.of(key), Bytes.of(value)), KvOp.APPEND, key, value, null, r -> done.run());
    }

    /** Deletes {@code key}; {@code done} gets whether it existed. */
    void delete(String key, Consumer<Boolean> done) {
        run(new KvInput.Delete(Bytes.of(key)), KvOp.DELETE, key, null, null, r -> done.accept(r.status() == KvStatus.OK));
    }

    /** Compare-and-set; {@code expected} null means "absent". {@code done} gets whether it swapped. */
    void cas(String key, String expected, String value, Consumer<Boolean> done) {
        run(new KvInput.Cas(Bytes.of(key), expected == null ? null : Bytes.of(expected), Bytes.of(value)), KvOp.CAS,
                key, value, expected, r -> done.accept(r.status() == KvStatus.OK));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
    private void run(KvInput input, KvOp op, String key, String value, String expected, Consumer<KvResponse> done) {
        if (busy) {
            throw new IllegalStateException("clerk " + endpoint() + " runs one operation at a time");
        }
        busy = true;
        long seq = op == KvOp.GET ? 0 : nextSeq++;
        KvRequest request = new KvRequest(clientId, seq, seq, op, bytes(key), value == null ? null : bytes(value),
                expected == null ? null : bytes(expected));
        long handle = history.invoke(endpoint(), input);
        group.call(request, KvReplies::classify, response -> {
            history.ret(handle, KvOutputs.of(op, response));
            busy = false;
            done.accept(response);
        }, error -> {
            throw cluster.fail("clerk " + endpoint() + ": " + op + " failed: " + error.getMessage());
        });
    }
}
