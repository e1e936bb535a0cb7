package io.shardkv.ctrler;

import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The shardctrler lab harness (6.5840 {@code shardctrler/config.go}) on the simulator: three
 * controller replicas running the production stack, clerks as simulated endpoints, and the lab's
 * checks (exact group set, every shard on a present group, balance).
 */
final class CtrlerLab {

    static final long SECOND = 1_000_000;
    private static final int FIRST_CLERK = 1000;

    final SimCluster cluster;
    final int numShards;
    private int clerks;

    private CtrlerLab(SimCluster cluster, int numShards) {
        this.cluster = cluster;
        this.numShards = numShards;
    }

    /** {@code servers} controller replicas for {@code numShards} shards, snapshotting past {@code snapshotBytes} (0: never). */
    static CtrlerLab make(int servers, int numShards, long snapshotBytes, long seed) {
        SimCluster[] holder = new SimCluster[1];
        RsmOptions options = RsmOptions.DEFAULTS.withSnapshotThreshold(snapshotBytes);
        holder[0] = SimCluster.builder(servers, seed)
                .service(log -> new SimCtrlerService(log, numShards, options, () -> holder[0].now() / 1000))
                .build();
        return new CtrlerLab(holder[0], numShards);
    }

    List<Integer> servers() {
        return IntStream.rangeClosed(1, cluster.size()).boxed().toList();
    }

    SimCtrlerClerk clerk() {
        return new SimCtrlerClerk(cluster, FIRST_CLERK + clerks++, servers());
    }

    void sleep(long micros) {
        cluster.runFor(micros);
    }

    /** Runs {@code op} and waits for the configuration it yields. */
    Config sync(String what, Consumer<Consumer<Config>> op) {
        Config[] result = new Config[1];
        op.accept(c -> result[0] = c);
        if (!cluster.runUntil(() -> result[0] != null, 60 * SECOND)) {
            throw cluster.fail("no outcome within 60 s of virtual time: " + what);
        }
        return result[0];
    }

    Config query(SimCtrlerClerk ck, long num) {
        return sync("query " + num, done -> ck.query(num, done));
    }

    Config join(SimCtrlerClerk ck, Map<Integer, List<String>> groups) {
        return sync("join " + groups.keySet(), done -> ck.join(groups, done));
    }

    Config leave(SimCtrlerClerk ck, List<Integer> gids) {
        return sync("leave " + gids, done -> ck.leave(gids, done));
    }

    Config move(SimCtrlerClerk ck, int shard, int gid) {
        return sync("move " + shard + " to " + gid, done -> ck.move(shard, gid, done));
    }

    /**
     * The lab's check(): the latest configuration has exactly {@code expected} groups, every shard
     * is on one of them (when there are any), and group sizes differ by at most one.
     */
    Config check(SimCtrlerClerk ck, Collection<Integer> expected) {
        Config c = query(ck, -1);
        if (!c.groups().keySet().equals(new TreeSet<>(expected))) {
            throw cluster.fail("wanted groups " + new TreeSet<>(expected) + ", got " + c.groups().keySet());
        }
        if (!expected.isEmpty()) {
            for (int s = 0; s < c.numShards(); s++) {
                if (!c.groups().containsKey(c.groupOf(s))) {
                    throw cluster.fail("shard " + s + " is on group " + c.groupOf(s) + ", not in " + c.groups().keySet());
                }
            }
        }
        if (!Rebalancer.balanced(c) && !expected.isEmpty()) {
            throw cluster.fail("unbalanced: " + c);
        }
        return c;
    }

    /** The configuration every live replica's state machine holds as its latest. */
    List<Config> latestOnEachReplica() {
        List<Config> out = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            if (cluster.node(i).isUp()) {
                out.add(((SimCtrlerService) cluster.node(i).service()).stateMachine().latest());
            }
        }
        return out;
    }
}
