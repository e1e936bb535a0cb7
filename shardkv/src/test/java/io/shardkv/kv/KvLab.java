package io.shardkv.kv;

import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.NetworkFaults;
import io.shardkv.raft.sim.SimCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The kvraft lab harness (6.5840 {@code kvraft/config.go}) on the simulator: n servers running
 * the production key/value stack, clerks as simulator endpoints, one history of every operation
 * in virtual time, and the lab's actions (partition, crash and restart all, log size).
 */
final class KvLab {

    /** Clerks get endpoint ids from here up, clear of the servers'. */
    static final int FIRST_CLERK = 1000;
    static final long SECOND = 1_000_000;

    final SimCluster cluster;
    final History history;
    private final List<SimKvClerk> clerks = new ArrayList<>();

    private KvLab(SimCluster cluster) {
        this.cluster = cluster;
        this.history = new History(() -> cluster.now() * 1000);
    }

    /**
     * The lab's make_config: {@code servers} replicas, a lossy network if {@code unreliable}, and
     * snapshots once {@code maxRaftState} bytes of log were applied (0 or less: never).
     */
    static KvLab make(int servers, boolean unreliable, long maxRaftState, long seed) {
        SimCluster[] holder = new SimCluster[1];
        RsmOptions options = RsmOptions.DEFAULTS.withSnapshotThreshold(Math.max(0, maxRaftState));
        holder[0] = SimCluster.builder(servers, seed)
                .service(SimKvService.factory(options, () -> holder[0].now() / 1000))
                .build();
        if (unreliable) {
            holder[0].network().setFaults(NetworkFaults.UNRELIABLE);
        }
        return new KvLab(holder[0]);
    }

    int servers() {
        return cluster.size();
    }

    List<Integer> allServers() {
        return IntStream.rangeClosed(1, servers()).boxed().toList();
    }

    SimKvClerk makeClerk() {
        return makeClerk(allServers());
    }

    /** A clerk that can only reach {@code reachable} (the lab's makeClient(to)). */
    SimKvClerk makeClerk(List<Integer> reachable) {
        SimKvClerk clerk = new SimKvClerk(cluster, FIRST_CLERK + clerks.size(), reachable, history);
        clerks.add(clerk);
        return clerk;
    }

    void sleep(long micros) {
        cluster.runFor(micros);
    }

    /** Runs until {@code condition} holds; fails after {@code limitMicros} of virtual time. */
    void await(String what, BooleanSupplier condition, long limitMicros) {
        if (!cluster.runUntil(condition, limitMicros)) {
            throw cluster.fail("not within " + limitMicros / SECOND + " s of virtual time: " + what);
        }
    }

    /** Splits the servers into two sides; clerks keep reaching every server. */
    void partition(List<Integer> p1, List<Integer> p2) {
        int[] sides = new int[servers() + 1];
        p2.forEach(s -> sides[s] = 1);
        cluster.partition(sides);
    }

    void heal() {
        cluster.heal();
    }

    /** The lab's shutdown of every server, then a fresh start of each from its durable state. */
    void crashAndRestartAll() {
        for (int i = 1; i <= servers(); i++) {
            cluster.crash(i);
        }
        sleep(SECOND);
        for (int i = 1; i <= servers(); i++) {
            cluster.start(i);
        }
    }

    /** The lab's LogSize(): the largest persisted Raft state (log and hard state) in bytes. */
    long logSize() {
        return cluster.maxRaftStateBytes();
    }

    /** The lab's SnapshotSize(): the largest snapshot in bytes. */
    long snapshotSize() {
        long max = 0;
        for (int i = 1; i <= servers(); i++) {
            max = Math.max(max, cluster.node(i).snapshotBytes());
        }
        return max;
    }

    /** The leader of the newest term, or 0. */
    int leader() {
        return cluster.newestLeader();
    }

    /** Checks the whole history; fails with the counter-example if it is not linearizable. */
    CheckResult checkLinearizable() {
        CheckResult result = LinearizabilityChecker.check(history.operations(), Duration.ofSeconds(60));
        if (result.isIllegal()) {
            throw cluster.fail("history is not linearizable:\n" + result.describe());
        }
        if (!result.isOk()) {
            throw cluster.fail("linearizability check undecided: " + result.describe());
        }
        return result;
    }
}
