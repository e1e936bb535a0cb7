package io.shardkv.redis;

import static io.shardkv.redis.RedisCommands.done;
import static io.shardkv.redis.RedisCommands.text;

import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.tls.Role;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * CLUSTER and its subcommands, built from the configuration the replica has reached and the
 * groups' replicas as they answered: a group's leader is its master, the others its replicas, and
 * the config number is every node's epoch.
 */
final class ClusterCommands {

    private final RedisBackend backend;

    ClusterCommands(RedisBackend backend) {
        this.backend = backend;
    }

    void register(RedisCommands commands) {
        commands.add("cluster", -2, Role.READONLY, KeyPositions.NONE, this::cluster);
    }

    private CompletableFuture<RespReply> cluster(RedisClient client, List<byte[]> args) {
        String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
        return switch (sub) {
            case "KEYSLOT" -> args.size() != 3 ? done(RedisCommands.wrongArity("cluster|keyslot"))
                    : done(new RespReply.Int(Shards.slotOf(args.get(2))));
            case "MYID" -> done(RespReply.bulk(backend.nodeId()));
            case "SLOTS" -> backend.layout().thenApply(ClusterCommands::slots);
            case "SHARDS" -> backend.layout().thenApply(ClusterCommands::shards);
            case "NODES" -> backend.layout().thenApply(l -> new RespReply.Verbatim(nodes(l)));
            case "INFO" -> backend.layout().thenApply(l -> new RespReply.Verbatim(info(l)));
            case "COUNTKEYSINSLOT" -> args.size() != 3 ? done(RedisCommands.wrongArity("cluster|countkeysinslot"))
                    : countKeysInSlot(client, args.get(2));
            case "GETKEYSINSLOT" -> args.size() != 4 ? done(RedisCommands.wrongArity("cluster|getkeysinslot"))
                    : keysInSlot(client, args.get(2), args.get(3));
            default -> done(RespReply.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try CLUSTER HELP."));
        };
    }

    /**
     * Keys this replica holds in {@code slot}, if its group serves the slot. Shards keep no count
     * per slot: this reads the slot's whole shard, a page at a time.
     */
    private CompletableFuture<RespReply> countKeysInSlot(RedisClient client, byte[] slotArg) {
        Integer slot = slot(slotArg);
        if (slot == null) {
            return done(RespReply.error("ERR Invalid slot"));
        }
        long[] count = new long[1];
        return inSlot(client, slot, key -> {
            count[0]++;
            return true;
        }).thenApply(v -> new RespReply.Int(count[0]));
    }

    /** At most {@code countArg} of the keys this replica holds in {@code slot}, in key order. */
    private CompletableFuture<RespReply> keysInSlot(RedisClient client, byte[] slotArg, byte[] countArg) {
        Integer slot = slot(slotArg);
        Long count = KeyCommands.unsigned(text(countArg));
        if (slot == null || count == null) {
            return done(RespReply.error(slot == null ? "ERR Invalid slot" : "ERR Invalid number of keys"));
        }
        long limit = Math.min(count, KeyCommands.KEYS_LIMIT);
        List<RespReply> keys = new ArrayList<>();
        if (limit == 0) {
            return done(new RespReply.Array(keys));
        }
        return inSlot(client, slot, key -> {
            keys.add(new RespReply.Bulk(key));
            return keys.size() < limit;
        }).thenApply(v -> new RespReply.Array(keys));
    }

    private CompletableFuture<Void> inSlot(RedisClient client, int slot, Predicate<byte[]> visitor) {
        int shard = Shards.shardOfSlot(slot, backend.numShards());
        return KeyListing.walk(backend, new KeyPage.Position(shard, null), shard, client.executor,
                key -> Shards.slotOf(key) != slot || visitor.test(key));
    }

    private static Integer slot(byte[] arg) {
        Long slot = KeyCommands.unsigned(text(arg));
        return slot == null || slot >= Shards.SLOTS ? null : slot.intValue();
    }

    private static RespReply slots(ClusterLayout layout) {
        List<RespReply> out = new ArrayList<>();
        for (ClusterLayout.Group g : layout.groups().values()) {
            List<ClusterLayout.Node> ordered = masterFirst(g);
            if (ordered.isEmpty()) {
                continue;
            }
            for (ClusterLayout.SlotRange range : g.slots()) {
                List<RespReply> entry = new ArrayList<>(List.of(new RespReply.Int(range.first()),
                        new RespReply.Int(range.last())));
                for (ClusterLayout.Node n : ordered) {
                    InetSocketAddress a = HostPort.parse(n.address());
                    entry.add(new RespReply.Array(List.of(RespReply.bulk(a.getHostString()), new RespReply.Int(a.getPort()),
                            RespReply.bulk(n.nodeId()))));
                }
                out.add(new RespReply.Array(entry));
            }
        }
        return new RespReply.Array(out);
    }

    private static RespReply shards(ClusterLayout layout) {
        List<RespReply> out = new ArrayList<>();
        for (ClusterLayout.Group g : layout.groups().values()) {
            List<RespReply> slots = new ArrayList<>();
            for (ClusterLayout.SlotRange range : g.slots()) {
                slots.add(new RespReply.Int(range.first()));
                slots.add(new RespReply.Int(range.last()));
            }
            List<RespReply> nodes = new ArrayList<>();
            ClusterLayout.Node leader = g.leader();
            for (ClusterLayout.Node n : g.nodes()) {
                InetSocketAddress a = n.address() == null ? null : HostPort.parse(n.address());
                nodes.add(new RespReply.Map(List.of(
                        RespReply.bulk("id"), RespReply.bulk(n.nodeId()),
                        RespReply.bulk("port"), new RespReply.Int(a == null ? 0 : a.getPort()),
                        RespReply.bulk("ip"), RespReply.bulk(a == null ? "" : a.getHostString()),
                        RespReply.bulk("endpoint"), RespReply.bulk(a == null ? "" : a.getHostString()),
                        RespReply.bulk("role"), RespReply.bulk(n == leader ? "master" : "replica"),
                        RespReply.bulk("replication-offset"), new RespReply.Int(0),
                        RespReply.bulk("health"), RespReply.bulk(a == null ? "fail" : "online"))));
            }
            out.add(new RespReply.Map(List.of(RespReply.bulk("slots"), new RespReply.Array(slots),
                    RespReply.bulk("nodes"), new RespReply.Array(nodes))));
        }
        return new RespReply.Array(out);
    }

    /** Redis's CLUSTER NODES lines: id, address@bus-port, flags, master, ping/pong times, epoch, link, slots. */
    private static String nodes(ClusterLayout layout) {
        StringBuilder out = new StringBuilder();
        for (ClusterLayout.Group g : layout.groups().values()) {
            ClusterLayout.Node leader = g.leader();
            for (ClusterLayout.Node n : g.nodes()) {
                boolean master = n == leader;
                String flags = (n.myself() ? "myself," : "") + (master ? "master" : "slave")
                        + (n.address() == null ? ",fail" : "");
                out.append(n.nodeId()).append(' ').append(n.address() == null ? ":0@0" : n.address() + "@0").append(' ')
                        .append(flags).append(' ').append(master || leader == null ? "-" : leader.nodeId())
                        .append(" 0 0 ").append(layout.configNum()).append(' ')
                        .append(n.address() == null ? "disconnected" : "connected");
                if (master) {
                    for (ClusterLayout.SlotRange range : g.slots()) {
                        out.append(' ').append(range.first() == range.last() ? Integer.toString(range.first())
                                : range.first() + "-" + range.last());
                    }
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String info(ClusterLayout layout) {
        int assigned = 0;
        int ok = 0;
        int nodes = 0;
        int size = 0;
        for (ClusterLayout.Group g : layout.groups().values()) {
            int slots = g.slots().stream().mapToInt(r -> r.last() - r.first() + 1).sum();
            assigned += slots;
            if (g.leader() != null) {
                ok += slots;
            }
            nodes += g.nodes().size();
            size += slots > 0 ? 1 : 0;
        }
        return "cluster_enabled:1\r\ncluster_state:" + (ok == Shards.SLOTS ? "ok" : "fail")
                + "\r\ncluster_slots_assigned:" + assigned + "\r\ncluster_slots_ok:" + ok
                + "\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:" + (assigned - ok)
                + "\r\ncluster_known_nodes:" + nodes + "\r\ncluster_size:" + size
                + "\r\ncluster_current_epoch:" + layout.configNum() + "\r\ncluster_my_epoch:" + layout.configNum() + "\r\n";
    }

    /** The group's reachable replicas, its leader first. */
    private static List<ClusterLayout.Node> masterFirst(ClusterLayout.Group g) {
        List<ClusterLayout.Node> out = new ArrayList<>();
        ClusterLayout.Node leader = g.leader();
        if (leader != null && leader.address() != null) {
            out.add(leader);
        }
        for (ClusterLayout.Node n : g.nodes()) {
            if (n != leader && n.address() != null) {
                out.add(n);
            }
        }
        return out;
    }
}
