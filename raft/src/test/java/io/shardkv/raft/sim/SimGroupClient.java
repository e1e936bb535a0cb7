package io.shardkv.raft.sim;

import io.shardkv.rpc.GroupClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The simulator's counterpart of {@link GroupClient}: sends each request to its guess of a group's
 * leader (servers are network endpoints) and, as the caller's classifier decides, follows a leader
 * hint ({@code "sim-<endpoint>"}), tries the next server after a timeout or a refusal (pausing
 * after every server was tried), or finishes — optionally until a deadline. The request is resent
 * unchanged, so it must be safe to repeat.
 *
 * <p>A client either owns an endpoint (a clerk) or sends from a server's own endpoint
 * ({@link SimNode#client}), so that it is cut off whenever that server is, and dies with it.
 */
public final class SimGroupClient {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final SimWorld world;
    private final int endpoint;
    private final long attemptTimeoutMicros;
    private final long retryPauseMicros;
    private final Random random;
    private final Map<Long, Consumer<Object>> inflight = new HashMap<>();
    private List<Integer> servers;
    private int given;
    private boolean learnsHints;
    private int leader;
    private int misses;
    private boolean closed;

    /** A client with an endpoint of its own ({@code endpoint} must be unused). */
    public SimGroupClient(SimWorld world, int endpoint, List<Integer> servers, long attemptTimeoutMicros,
                          long retryPauseMicros, Random random) {
        this(world, endpoint, servers, attemptTimeoutMicros, retryPauseMicros, random, true);
    }

    /**
     * @param ownEndpoint false: several clients share {@code endpoint}, and whoever registered it
     *                    passes each client every response ({@link #receive}); the ids tell them apart
     */
    public SimGroupClient(SimWorld world, int endpoint, List<Integer> servers, long attemptTimeoutMicros,
                          long retryPauseMicros, Random random, boolean ownEndpoint) {
        this.world = world;
        this.endpoint = endpoint;
        this.attemptTimeoutMicros = attemptTimeoutMicros;
        this.retryPauseMicros = retryPauseMicros;
        this.random = random;
        talkTo(servers);
        if (ownEndpoint) {
            world.network().register(endpoint, this::receive);
        }
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
        this.given = servers.size();
        this.leader = servers.get(0);
    }

    /**
     * From now on a hint naming a server this client was not given is followed and the server
     * learned (up to {@link GroupClient#MAX_LEARNED_SERVERS}), as {@link GroupClient} does: how a
     * client with an outdated list finds a group's replicas after a membership change. Off by
     * default, since the labs' clerks may reach only the servers they are given.
     */
    public SimGroupClient learningHintedServers() {
        this.learnsHints = true;
        return this;
    }

    /** Stops for good: nothing more is sent, and nothing in flight completes. */
    void close() {
        closed = true;
        inflight.clear();
    }

    /** Completes the call a response answers, if it is one of this client's. */
    public void receive(SimNetwork.Envelope envelope) {
        if (envelope.payload() instanceof SimRpc.Response r) {
            Consumer<Object> callback = inflight.remove(r.id());
            if (callback != null) {
                callback.accept(r.body());
            }
        }
    }

    /** Sends {@code request} until {@code classify} gives {@code Done} ({@code done}) or {@code Fail} ({@code failed}). */
    public <R> void call(Object request, Function<Object, GroupClient.Step<R>> classify, Consumer<R> done,
                         Consumer<Exception> failed) {
        attempt(request, NO_DEADLINE, classify, done, failed);
    }

    /** As {@link #call}, but fails with a {@link TimeoutException} once {@code deadlineMicros} have passed. */
    public <R> void call(Object request, long deadlineMicros, Function<Object, GroupClient.Step<R>> classify,
                         Consumer<R> done, Consumer<Exception> failed) {
        attempt(request, world.now() + deadlineMicros, classify, done, failed);
    }

    private <R> void attempt(Object request, long deadline, Function<Object, GroupClient.Step<R>> classify,
                             Consumer<R> done, Consumer<Exception> failed) {
        if (closed) {
            return;
        }
        if (world.now() >= deadline) {
            failed.accept(new TimeoutException("no outcome before the deadline"));
            return;
        }
        long id = world.nextRpcId();
        inflight.put(id, response -> {
            GroupClient.Step<R> step = classify.apply(response);
            if (step instanceof GroupClient.Done<R> d) {
                misses = 0;
                done.accept(d.value());
            } else if (step instanceof GroupClient.Fail<R> f) {
                failed.accept(f.error());
            } else {
                int hinted = step instanceof GroupClient.Redirect<R> r ? endpointOf(r.address()) : 0;
                retry(request, deadline, classify, done, failed, hinted);
            }
        });
        world.network().send(endpoint, leader, new SimRpc.Request(id, request));
        world.scheduler().after(attemptTimeoutMicros, () -> {
            if (inflight.remove(id) != null) {
                retry(request, deadline, classify, done, failed, 0);
            }
        });
    }

    private <R> void retry(Object request, long deadline, Function<Object, GroupClient.Step<R>> classify,
                           Consumer<R> done, Consumer<Exception> failed, int hint) {
        if (learnsHints && hint > 0 && !servers.contains(hint) && servers.size() - given < GroupClient.MAX_LEARNED_SERVERS) {
            List<Integer> more = new ArrayList<>(servers);
            more.add(hint);
            servers = List.copyOf(more);
        }
        boolean hinted = servers.contains(hint);
        leader = hinted ? hint : servers.get((servers.indexOf(leader) + 1) % servers.size());
        misses = hinted ? 0 : misses + 1;
        long pause = misses > 0 && misses % servers.size() == 0 ? retryPauseMicros : 0;
        world.scheduler().after(pause, () -> attempt(request, deadline, classify, done, failed));
    }
}
