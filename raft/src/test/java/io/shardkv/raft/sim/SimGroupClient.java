package io.shardkv.raft.sim;

import io.shardkv.rpc.GroupClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The simulator's counterpart of {@link GroupClient}: a client endpoint that sends each request
 * to its guess of a group's leader (servers are network endpoints) and, as the caller's classifier
 * decides, follows a leader hint ({@code "sim-<endpoint>"}), tries the next server after a timeout or a refusal (pausing after every
 * server was tried), or finishes. The request is resent unchanged, so it must be safe to repeat.
 */
public final class SimGroupClient {

    private final SimCluster cluster;
    private final int endpoint;
    private final long attemptTimeoutMicros;
    private final long retryPauseMicros;
    private final Random random;
    private final Map<Long, Consumer<Object>> inflight = new HashMap<>();
    private List<Integer> servers;
    private long nextRpcId = 1;
    private int leader;
    private int misses;

    public SimGroupClient(SimCluster cluster, int endpoint, List<Integer> servers, long attemptTimeoutMicros,
                          long retryPauseMicros, Random random) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.attemptTimeoutMicros = attemptTimeoutMicros;
        this.retryPauseMicros = retryPauseMicros;
        this.random = random;
        talkTo(servers);
        cluster.network().register(endpoint, envelope -> {
            if (envelope.payload() instanceof SimRpc.Response r) {
                Consumer<Object> callback = inflight.remove(r.id());
                if (callback != null) {
                    callback.accept(r.body());
                }
            }
        });
    }

    /** The endpoint an address ({@code "sim-<endpoint>"}) names, or 0. */
    public static int endpointOf(String address) {
        return address != null && address.startsWith("sim-") ? Integer.parseInt(address.substring(4)) : 0;
    }

    public int endpoint() {
        return endpoint;
    }

    /** Which servers this client may send to (the labs' per-clerk ends), in a random order. */
    public void talkTo(List<Integer> reachable) {
        List<Integer> shuffled = new ArrayList<>(reachable);
        Collections.shuffle(shuffled, random);
        this.servers = List.copyOf(shuffled);
        this.leader = servers.get(0);
    }

    /** Sends {@code request} until {@code classify} gives {@code Done} ({@code done}) or {@code Fail} ({@code failed}). */
    public <R> void call(Object request, Function<Object, GroupClient.Step<R>> classify, Consumer<R> done,
                         Consumer<Exception> failed) {
        long id = nextRpcId++;
        inflight.put(id, response -> {
            GroupClient.Step<R> step = classify.apply(response);
            if (step instanceof GroupClient.Done<R> d) {
                misses = 0;
                done.accept(d.value());
            } else if (step instanceof GroupClient.Fail<R> f) {
                failed.accept(f.error());
            } else {
                int hinted = step instanceof GroupClient.Redirect<R> r ? endpointOf(r.address()) : 0;
                retry(request, classify, done, failed, hinted);
            }
        });
        cluster.network().send(endpoint, leader, new SimRpc.Request(id, request));
        cluster.scheduler().after(attemptTimeoutMicros, () -> {
            if (inflight.remove(id) != null) {
                retry(request, classify, done, failed, 0);
            }
        });
    }

    private <R> void retry(Object request, Function<Object, GroupClient.Step<R>> classify, Consumer<R> done,
                           Consumer<Exception> failed, int hint) {
        boolean hinted = servers.contains(hint);
        leader = hinted ? hint : servers.get((servers.indexOf(leader) + 1) % servers.size());
        misses = hinted ? 0 : misses + 1;
        long pause = misses > 0 && misses % servers.size() == 0 ? retryPauseMicros : 0;
        cluster.scheduler().after(pause, () -> call(request, classify, done, failed));
    }
}
