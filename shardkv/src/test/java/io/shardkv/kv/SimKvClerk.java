package io.shardkv.kv;

import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.linearizability.KvOutput;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SimRpc;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A key/value clerk as simulator events, behaving like the labs' clerk: one operation at a time,
 * sent to its guess of the leader, retried — with the same session and seq — at the hinted
 * leader, or the next server after a timeout, until it has an outcome. Every operation is
 * recorded in a {@link History} in virtual time.
 */
final class SimKvClerk {

    /** How long to wait for an answer before trying another server. */
    static final long ATTEMPT_TIMEOUT_MICROS = 300_000;

    private final SimCluster cluster;
    private final int endpoint;
    private List<Integer> servers;
    private final long clientId;
    private final History history;
    private final Random random;
    private final Map<Long, Consumer<KvResponse>> inflight = new HashMap<>();
    private long nextRpcId = 1;
    private long nextSeq = 1;
    private int leader;
    private int failedAttempts;
    private boolean busy;

    /** A clerk at {@code endpoint} (above the server ids) that may talk to {@code servers}. */
    SimKvClerk(SimCluster cluster, int endpoint, List<Integer> servers, History history) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.history = history;
        this.random = new Random(cluster.seed() * 7_919 + endpoint);
        this.clientId = random.nextLong();
        talkTo(servers);
        cluster.network().register(endpoint, envelope -> {
            if (envelope.payload() instanceof SimRpc.Response r && r.body() instanceof KvResponse response) {
                Consumer<KvResponse> callback = inflight.remove(r.id());
                if (callback != null) {
                    callback.accept(response);
                }
            }
        });
    }

    int endpoint() {
        return endpoint;
    }

    /** Which servers this clerk may send to (the labs' per-clerk ends), in a random order. */
    void talkTo(List<Integer> reachable) {
        List<Integer> shuffled = new ArrayList<>(reachable);
        Collections.shuffle(shuffled, random);
        this.servers = List.copyOf(shuffled);
        this.leader = servers.get(0);
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

    private static KvOutput outputOf(KvOp op, KvResponse r) {
        return switch (op) {
            case GET -> r.status() == KvStatus.OK ? KvOutput.value(Bytes.of(r.value())) : KvOutput.ABSENT;
            case PUT, APPEND -> KvOutput.OK;
            case DELETE -> r.status() == KvStatus.OK ? KvOutput.OK : KvOutput.NO_KEY;
            case CAS -> KvOutput.casResult(r.status() == KvStatus.OK);
        };
    }

    private void run(KvInput input, KvOp op, String key, String value, String expected, Consumer<KvResponse> done) {
        if (busy) {
            throw new IllegalStateException("clerk " + endpoint + " runs one operation at a time");
        }
        busy = true;
        long seq = op == KvOp.GET ? 0 : nextSeq++;
        KvRequest request = new KvRequest(clientId, seq, seq, op, bytes(key), value == null ? null : bytes(value),
                expected == null ? null : bytes(expected));
        long handle = history.invoke(endpoint, input);
        attempt(request, response -> {
            history.ret(handle, outputOf(op, response));
            busy = false;
            done.accept(response);
        });
    }

    private void attempt(KvRequest request, Consumer<KvResponse> done) {
        long id = nextRpcId++;
        inflight.put(id, response -> onResponse(request, response, done));
        cluster.network().send(endpoint, leader, new SimRpc.Request(id, request));
        cluster.scheduler().after(ATTEMPT_TIMEOUT_MICROS, () -> {
            if (inflight.remove(id) != null) {
                retryElsewhere(request, done, 0);
            }
        });
    }

    private void onResponse(KvRequest request, KvResponse response, Consumer<KvResponse> done) {
        switch (response.status()) {
            case OK, NO_KEY, CAS_FAILED -> {
                failedAttempts = 0;
                done.accept(response);
            }
            case WRONG_LEADER -> retryElsewhere(request, done, SimKvService.nodeOfHint(response.leaderHint()));
            case TIMEOUT, SHUTTING_DOWN -> retryElsewhere(request, done, 0);
            default -> throw cluster.fail("clerk " + endpoint + ": " + request.op() + " failed with "
                    + response.status() + " (" + response.message() + ")");
        }
    }

    /** Tries {@code hint} if reachable, else the next server; after a full round without luck, pauses. */
    private void retryElsewhere(KvRequest request, Consumer<KvResponse> done, int hint) {
        leader = servers.contains(hint) ? hint : servers.get((servers.indexOf(leader) + 1) % servers.size());
        long pause = ++failedAttempts % servers.size() == 0 ? 50_000 : 0;
        cluster.scheduler().after(pause, () -> attempt(request, done));
    }
}
