package io.shardkv.kv;

import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A minimal blocking clerk over real sockets, for tests (the public client library is issue 7):
 * one operation at a time, retried with the same session and seq at the hinted leader or the
 * next server until it has an outcome, and recorded in a {@link History}.
 */
final class KvClerk {

    private static final Duration ATTEMPT = Duration.ofMillis(1000);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    private final List<PeerConnection> servers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final History history;
    private final long clientId;
    private long nextSeq = 1;
    private int leader;

    KvClerk(Transport rpc, List<InetSocketAddress> serverAddresses, History history, Random random) {
        for (InetSocketAddress a : serverAddresses) {
            servers.add(rpc.connect(a));
            addresses.add(a.getHostString() + ":" + a.getPort());
        }
        this.history = history;
        this.clientId = random.nextLong();
        this.leader = random.nextInt(servers.size());
    }

    String get(String key) {
        KvResponse r = call(new KvInput.Get(Bytes.of(key)), KvOp.GET, key, null, null);
        return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    }

    void put(String key, String value) {
        call(new KvInput.Put(Bytes.of(key), Bytes.of(value)), KvOp.PUT, key, value, null);
    }

    void append(String key, String value) {
        call(new KvInput.Append(Bytes.of(key), Bytes.of(value)), KvOp.APPEND, key, value, null);
    }

    boolean delete(String key) {
        return call(new KvInput.Delete(Bytes.of(key)), KvOp.DELETE, key, null, null).status() == KvStatus.OK;
    }

    boolean cas(String key, String expected, String value) {
        return call(new KvInput.Cas(Bytes.of(key), expected == null ? null : Bytes.of(expected), Bytes.of(value)),
                KvOp.CAS, key, value, expected).status() == KvStatus.OK;
    }

    private KvResponse call(KvInput input, KvOp op, String key, String value, String expected) {
        long seq = op == KvOp.GET ? 0 : nextSeq++;
        KvRequest request = new KvRequest(clientId, seq, seq, op, bytes(key), value == null ? null : bytes(value),
                expected == null ? null : bytes(expected));
        long handle = history.invoke(clientId, input);
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            KvResponse r;
            try {
                r = (KvResponse) servers.get(leader).request(request, ATTEMPT).get();
            } catch (Exception unreachableOrSlow) {
                leader = (leader + 1) % servers.size();
                continue;
            }
            switch (r.status()) {
                case OK, NO_KEY, CAS_FAILED -> {
                    history.ret(handle, KvOutputs.of(op, r));
                    return r;
                }
                case WRONG_LEADER -> {
                    int hinted = r.leaderHint() == null ? -1 : addresses.indexOf(r.leaderHint());
                    leader = hinted >= 0 && hinted != leader ? hinted : (leader + 1) % servers.size();
                    pauseIfNoHint(hinted);
                }
                case TIMEOUT, SHUTTING_DOWN -> leader = (leader + 1) % servers.size();
                default -> throw new AssertionError(op + " failed with " + r.status() + ": " + r.message());
            }
        }
        history.timedOut(handle);
        throw new AssertionError(op + " on " + key + " had no outcome within " + GIVE_UP);
    }

    /** With no leader known (an election under way), do not spin through the servers. */
    private static void pauseIfNoHint(int hinted) {
        if (hinted < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
