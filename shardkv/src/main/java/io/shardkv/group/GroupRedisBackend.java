package io.shardkv.group;

import io.shardkv.group.engine.ShardView;
import io.shardkv.kv.Key;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.redis.ClusterLayout;
import io.shardkv.redis.KeyPage;
import io.shardkv.redis.RedisBackend;
import io.shardkv.redis.RedisNodeIds;
import io.shardkv.redis.SlotRoute;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.redis.RedisEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * A shard group replica as the RESP front end sees it. Where a slot is served comes from the
 * configuration this replica has reached and its shards' states (read on the node's thread); the
 * Redis addresses of other replicas from {@link RedisEndpoints}.
 */
final class GroupRedisBackend implements RedisBackend {

    /** What the node's thread found for a slot: served here, or whom to ask for the address. */
    private sealed interface Plan {
        record Final(SlotRoute route) implements Plan {
        }

        /** A replica of this group leads: redirect to it. */
        record Node(String clusterAddress) implements Plan {
        }

        /** Another group owns the slot: redirect to its leader. */
        record Group(int gid, List<String> servers) implements Plan {
        }
    }

    private final ShardGroupStateMachine machine;
    private final RsmHost host;
    private final ReplicaServer replica;
    private final IntFunction<String> addressOfNode;
    private final RedisEndpoints endpoints;
    private final WriteForwarder forwarder;
    private final String clusterId;
    private final int numShards;
    private final RedisEndpoint self;

    /** @param self this replica's own endpoint (its RESP address); {@code leader} there is ignored */
    GroupRedisBackend(ShardGroupStateMachine machine, RsmHost host, ReplicaServer replica,
                      IntFunction<String> addressOfNode, RedisEndpoints endpoints, WriteForwarder forwarder,
                      String clusterId, int numShards, RedisEndpoint self) {
        this.machine = machine;
        this.host = host;
        this.replica = replica;
        this.addressOfNode = addressOfNode;
        this.endpoints = endpoints;
        this.forwarder = forwarder;
        this.clusterId = clusterId;
        this.numShards = numShards;
        this.self = self;
    }

    @Override
    public CompletableFuture<KvResponse> execute(KvRequest request) {
        return replica.serve(request).thenApply(answer -> answer instanceof KvResponse r ? r
                : KvResponse.refused(KvStatus.BAD_REQUEST, "unexpected answer " + answer));
    }

    @Override
    public CompletableFuture<KvResponse> forward(KvRequest request) {
        return forwarder.forward(request);
    }

    @Override
    public CompletableFuture<SlotRoute> route(int slot) {
        return replica.node().callOnNodeThread(() -> plan(slot)).thenCompose(this::resolve);
    }

    /** On the node's thread. */
    private Plan plan(int slot) {
        Config config = machine.config();
        int shard = Shards.shardOfSlot(slot, config.numShards());
        int owner = config.groupOf(shard);
        if (owner == Config.NO_GROUP) {
            return new Plan.Final(new SlotRoute.Down("Hash slot " + slot + " is not served: no group owns shard "
                    + shard + " in configuration " + config.num()));
        }
        if (owner != machine.gid()) {
            return new Plan.Group(owner, config.groups().get(owner));
        }
        if (machine.state(shard) != ShardState.SERVING) {
            return new Plan.Final(new SlotRoute.Importing("shard " + shard + " (hash slot " + slot + ") is being moved"
                    + " into group " + machine.gid() + " for configuration " + config.num()));
        }
        if (host.isLeader()) {
            return new Plan.Final(new SlotRoute.Here());
        }
        int leader = replica.status().leader();
        String address = leader == RaftCore.NONE ? null : addressOfNode.apply(leader);
        if (address == null) {
            return new Plan.Final(new SlotRoute.Down("group " + machine.gid() + " has no leader now (no quorum,"
                    + " or an election is under way)"));
        }
        return new Plan.Node(address);
    }

    private CompletableFuture<SlotRoute> resolve(Plan plan) {
        if (plan instanceof Plan.Final f) {
            return CompletableFuture.completedFuture(f.route());
        }
        if (plan instanceof Plan.Node n) {
            return endpoints.of(n.clusterAddress()).thenApply(e -> e == null || e.address() == null
                    ? new SlotRoute.Down("the leader of group " + machine.gid() + " at " + n.clusterAddress()
                    + (e == null ? " does not answer" : " serves no Redis port"))
                    : new SlotRoute.Moved(e.address()));
        }
        Plan.Group g = (Plan.Group) plan;
        return group(g.servers()).thenApply(answers -> {
            for (RedisEndpoint e : answers) {
                if (e != null && e.leader() && e.address() != null) {
                    return new SlotRoute.Moved(e.address());
                }
            }
            return new SlotRoute.Down("group " + g.gid() + " (" + String.join(",", g.servers()) + ") has no leader"
                    + " serving a Redis port now");
        });
    }

    /** Every replica's endpoint (null where one did not answer), in the order of {@code servers}. */
    private CompletableFuture<List<RedisEndpoint>> group(List<String> servers) {
        List<CompletableFuture<RedisEndpoint>> asked = new ArrayList<>();
        for (String s : servers) {
            asked.add(endpoints.of(s));
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(v -> asked.stream().map(CompletableFuture::join).toList());
    }

    @Override
    public CompletableFuture<ClusterLayout> layout() {
        return replica.node().callOnNodeThread(machine::config).thenCompose(config -> {
            Map<Integer, CompletableFuture<List<RedisEndpoint>>> asked = new TreeMap<>();
            config.groups().forEach((gid, servers) -> asked.put(gid, group(servers)));
            return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
                SortedMap<Integer, ClusterLayout.Group> groups = new TreeMap<>();
                asked.forEach((gid, answers) -> groups.put(gid, new ClusterLayout.Group(gid, slots(config, gid),
                        nodes(gid, config.groups().get(gid), answers.join()))));
                return new ClusterLayout(config.num(), groups);
            });
        });
    }

    private List<ClusterLayout.Node> nodes(int gid, List<String> servers, List<RedisEndpoint> answers) {
        List<ClusterLayout.Node> nodes = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            RedisEndpoint e = answers.get(i);
            if (e == null) {
                nodes.add(new ClusterLayout.Node(RedisNodeIds.of(clusterId, gid, servers.get(i)), null, false, false));
            } else {
                boolean myself = gid == self.gid() && e.nodeId() == self.nodeId();
                nodes.add(new ClusterLayout.Node(RedisNodeIds.of(clusterId, gid, e.nodeId()), e.address(), e.leader(),
                        myself));
            }
        }
        return nodes;
    }

    /** The slot ranges of the shards {@code gid} owns, adjacent ones merged. */
    private static List<ClusterLayout.SlotRange> slots(Config config, int gid) {
        List<ClusterLayout.SlotRange> ranges = new ArrayList<>();
        for (int shard = 0; shard < config.numShards(); shard++) {
            if (config.groupOf(shard) != gid) {
                continue;
            }
            int first = Shards.firstSlot(shard, config.numShards());
            int last = Shards.lastSlot(shard, config.numShards());
            ClusterLayout.SlotRange previous = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (previous != null && previous.last() + 1 == first) {
                ranges.set(ranges.size() - 1, new ClusterLayout.SlotRange(previous.first(), last));
            } else {
                ranges.add(new ClusterLayout.SlotRange(first, last));
            }
        }
        return ranges;
    }

    @Override
    public CompletableFuture<KeyPage> keys(KeyPage.Position from, int lastShard, int limit) {
        return replica.node().callOnNodeThread(() -> page(from, Math.min(lastShard, numShards - 1), limit));
    }

    /** On the node's thread: the keys are never changed in place, so the page may be read anywhere. */
    private KeyPage page(KeyPage.Position from, int lastShard, int limit) {
        List<byte[]> keys = new ArrayList<>(Math.min(limit, 1024));
        for (int shard = from.shard(); shard <= lastShard; shard++) {
            ShardView data = machine.servedData(shard);
            if (data == null) {
                continue;
            }
            Key after = shard == from.shard() && from.after() != null ? new Key(from.after()) : null;
            boolean[] more = {false};
            data.scan(after, (key, value) -> {
                if (keys.size() == limit) {
                    more[0] = true;
                    return false;
                }
                keys.add(key.bytes());
                return true;
            });
            if (more[0]) {
                return new KeyPage(keys, new KeyPage.Position(shard, keys.get(keys.size() - 1)));
            }
            if (keys.size() == limit && shard < lastShard) {
                return new KeyPage(keys, new KeyPage.Position(shard + 1, null));
            }
        }
        return new KeyPage(keys, null);
    }

    @Override
    public CompletableFuture<Long> keyCount() {
        return replica.node().callOnNodeThread(() -> {
            long keys = 0;
            for (int shard = 0; shard < machine.config().numShards(); shard++) {
                ShardView data = machine.servedData(shard);
                keys += data == null ? 0 : data.size();
            }
            return keys;
        });
    }

    @Override
    public String nodeId() {
        return RedisNodeIds.of(clusterId, self.gid(), self.nodeId());
    }

    @Override
    public int numShards() {
        return numShards;
    }
}
