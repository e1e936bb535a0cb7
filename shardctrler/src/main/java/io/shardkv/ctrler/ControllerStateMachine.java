package io.shardkv.ctrler;

import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.ctrler.Shards;
import java.io.IOException;
import java.io.InputStream;
import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ConfigCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The controller's replicated state: the list of configurations, 0 first. Each accepted join,
 * leave or move appends exactly one configuration; a refused one appends none and replies why.
 * Join and leave rebalance ({@link Rebalancer}); move overrides one shard until the next
 * rebalance.
 */
final class ControllerStateMachine implements StateMachine {

    private final int numShards;
    private final List<Config> configs = new ArrayList<>();

    ControllerStateMachine(int numShards) {
        if (Shards.invalidCount(numShards) != null) {
            throw new IllegalArgumentException(Shards.invalidCount(numShards));
        }
        this.numShards = numShards;
        configs.add(Config.initial(numShards));
    }

    Config latest() {
        return configs.get(configs.size() - 1);
    }

    /** Configuration {@code num}; -1 or past the end: the latest. */
    Config config(long num) {
        return num < 0 || num >= configs.size() ? latest() : configs.get((int) num);
    }

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        ControllerCodec.Command c = ControllerCodec.decodeCommand(command);
        Config latest = latest();
        String refusal = switch (c.op()) {
            case JOIN -> checkJoin(latest, c.joins());
            case LEAVE -> checkLeave(latest, c.gids());
            case MOVE -> checkMove(latest, c.shard(), c.gids().get(0));
            case SERVERS -> checkServers(latest, c.joins());
            case QUERY -> "a query cannot change the configuration";
        };
        if (refusal != null) {
            return ControllerCodec.refused(refusal);
        }
        Map<Integer, List<String>> groups = new TreeMap<>(latest.groups());
        int[] shards;
        switch (c.op()) {
            case JOIN -> {
                groups.putAll(c.joins());
                shards = Rebalancer.rebalance(latest.shards(), groups.keySet());
            }
            case LEAVE -> {
                c.gids().forEach(groups::remove);
                shards = Rebalancer.rebalance(latest.shards(), groups.keySet());
            }
            case SERVERS -> {
                groups.putAll(c.joins());
                shards = latest.shards();
            }
            default -> {
                shards = latest.shards();
                shards[c.shard()] = c.gids().get(0);
            }
        }
        Config next = latest.next(shards, groups);
        configs.add(next);
        return ControllerCodec.ok(next);
    }

    private static String checkJoin(Config latest, Map<Integer, List<String>> joins) {
        if (joins.isEmpty()) {
            return "join names no group";
        }
        for (Map.Entry<Integer, List<String>> g : joins.entrySet()) {
            if (g.getKey() <= Config.NO_GROUP) {
                return "group id must be > 0, was " + g.getKey();
            }
            if (latest.groups().containsKey(g.getKey())) {
                return "group " + g.getKey() + " has already joined";
            }
            if (g.getValue().isEmpty()) {
                return "group " + g.getKey() + " has no servers";
            }
        }
        return null;
    }

    private static String checkServers(Config latest, Map<Integer, List<String>> groups) {
        if (groups.isEmpty()) {
            return "servers names no group";
        }
        for (Map.Entry<Integer, List<String>> g : groups.entrySet()) {
            if (!latest.groups().containsKey(g.getKey())) {
                return "group " + g.getKey() + " is not in the configuration";
            }
            if (g.getValue().isEmpty()) {
                return "group " + g.getKey() + " would have no servers";
            }
        }
        return null;
    }

    private static String checkLeave(Config latest, List<Integer> gids) {
        if (gids.isEmpty()) {
            return "leave names no group";
        }
        Set<Integer> seen = new HashSet<>();
        for (int gid : gids) {
            if (!latest.groups().containsKey(gid)) {
                return "group " + gid + " is not in the configuration";
            }
            if (!seen.add(gid)) {
                return "group " + gid + " is named twice";
            }
        }
        return null;
    }

    private static String checkMove(Config latest, int shard, int gid) {
        if (shard < 0 || shard >= latest.numShards()) {
            return "shard " + shard + " is out of range [0, " + latest.numShards() + ")";
        }
        if (!latest.groups().containsKey(gid)) {
            return "group " + gid + " is not in the configuration";
        }
        return null;
    }

    @Override
    public byte[] query(byte[] query) {
        return ControllerCodec.ok(config(ControllerCodec.decodeQuery(query)));
    }

    /** The latest configuration's number. */
    @Override
    public long backupPoint() {
        return latest().num();
    }

    /** A backup of configuration {@code point} holds the configurations up to it and none after. */
    @Override
    public String backupRefusal(long point) {
        return latest().num() == point ? null : "the controller's latest configuration is " + latest().num()
                + ", the backup is of " + point + ": the configuration changed during the backup";
    }

    @Override
    public SnapshotImage snapshot() {
        return SnapshotImage.of(DataFormat.write(out -> {
            out.writeInt(numShards);
            out.writeInt(configs.size());
            for (Config c : configs) {
                ConfigCodec.write(out, c);
            }
        }));
    }

    @Override
    public void restore(InputStream image) throws IOException {
        List<Config> restored = DataFormat.read(image.readAllBytes(), "controller snapshot", in -> {
            int shards = in.readInt();
            if (shards != numShards) {
                throw new IllegalStateException("snapshot has " + shards + " shards, this controller " + numShards);
            }
            int count = DataFormat.readCount(in, "configurations");
            List<Config> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                list.add(ConfigCodec.read(in));
            }
            return list;
        });
        configs.clear();
        configs.addAll(restored);
    }
}
