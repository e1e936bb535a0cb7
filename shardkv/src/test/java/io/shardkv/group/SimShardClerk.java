package io.shardkv.group;

import io.shardkv.kv.KvOutputs;
import io.shardkv.kv.KvReplies;
import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.raft.sim.SimGroupClient;
import io.shardkv.raft.sim.SimWorld;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A sharded key/value clerk as simulator events, behaving like the labs' shardkv clerk: one
 * operation at a time, routed by its cached configuration to the owning group, retried with the
 * same session and seq — at the hinted leader, at the next server, or, on WRONG_GROUP or when no
 * server of the group answers in time, after re-querying the controller (100 ms pause). Every
 * operation is recorded in a {@link History} in virtual time.
 */
final class SimShardClerk {

    private static final long ATTEMPT_MICROS = 300_000;
    private static final long RETRY_PAUSE_MICROS = 100_000;
    /** How long one group is tried before the configuration is asked again (the lab's one round of its servers). */
    private static final long GROUP_DEADLINE_MICROS = 1_000_000;

    private final SimWorld world;
    private final int endpoint;
    private final History history;
    private final long clientId;
    private final Random random;
    private final SimGroupClient controller;
    private final Map<Integer, SimGroupClient> groups = new HashMap<>();
    private final Map<Integer, List<Integer>> groupServers = new HashMap<>();
    private Config config;
    private long nextSeq = 1;
    private boolean busy;

    SimShardClerk(SimWorld world, int endpoint, List<Integer> controllers, int numShards, History history) {
        this.world = world;
        this.endpoint = endpoint;
        this.history = history;
        this.random = new Random(world.seed() * 7_919 + endpoint);
        this.clientId = random.nextLong();
        this.config = Config.initial(numShards);
        this.controller = new SimGroupClient(world, endpoint, controllers, ATTEMPT_MICROS, RETRY_PAUSE_MICROS, random,
                false);
        world.network().register(endpoint, envelope -> {
            controller.receive(envelope);
            for (SimGroupClient g : List.copyOf(groups.values())) {
                g.receive(envelope);
            }
        });
    }

    int endpoint() {
        return endpoint;
    }

    boolean busy() {
        return busy;
    }

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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
            history.ret(handle, KvOutputs.of(op, response));
            busy = false;
            done.accept(response);
        });
    }

    private void attempt(KvRequest request, Consumer<KvResponse> finish) {
        int gid = config.groupOf(Shards.shardOf(request.key(), config.numShards()));
        if (gid == Config.NO_GROUP) {
            refreshThen(() -> attempt(request, finish));
            return;
        }
        SimGroupClient group = groupClient(gid);
        group.call(request, GROUP_DEADLINE_MICROS, KvReplies::classify, response -> {
            if (response.status() == KvStatus.WRONG_GROUP) {
                refreshThen(() -> attempt(request, finish));
            } else {
                finish.accept(response);
            }
        }, error -> {
            if (!(error instanceof TimeoutException)) {
                throw world.fail("clerk " + endpoint + ": " + request.op() + " failed: " + error.getMessage());
            }
            refreshThen(() -> attempt(request, finish));
        });
    }

    /** The client for group {@code gid}, sending to the servers the configuration now names for it. */
    private SimGroupClient groupClient(int gid) {
        List<Integer> servers = config.groups().get(gid).stream().map(SimGroupClient::endpointOf).toList();
        SimGroupClient group = groups.get(gid);
        if (group == null) {
            group = new SimGroupClient(world, endpoint, servers, ATTEMPT_MICROS, RETRY_PAUSE_MICROS, random, false)
                    .learningHintedServers();
            groups.put(gid, group);
            groupServers.put(gid, servers);
        } else if (!servers.equals(groupServers.get(gid))) {
            // The group's replicas changed (a membership change the controller recorded).
            group.talkTo(servers);
            groupServers.put(gid, servers);
        }
        return group;
    }

    /** After the lab's 100 ms pause, asks the controller for the latest configuration, then goes on. */
    private void refreshThen(Runnable next) {
        world.scheduler().after(RETRY_PAUSE_MICROS, () -> controller.call(CtrlerRequest.query(clientId, -1),
                ControllerClerk::classify, latest -> {
                    if (latest.num() > config.num()) {
                        config = latest;
                    }
                    next.run();
                }, error -> {
                    throw world.fail("clerk " + endpoint + ": controller query failed: " + error.getMessage());
                }));
    }
}
