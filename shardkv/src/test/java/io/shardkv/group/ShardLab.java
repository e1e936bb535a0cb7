package io.shardkv.group;

import io.shardkv.ctrler.SimCtrlerClerk;
import io.shardkv.ctrler.SimCtrlerService;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.NetworkFaults;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SimWorld;
import io.shardkv.raft.sim.SimulationFailure;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The shardkv lab harness (6.5840 {@code shardkv/config.go}) on the simulator: one world holding
 * a 3-replica controller group and shard groups 100, 101 and 102 running the production stack,
 * clerks as endpoints, one history of every client operation in virtual time, the lab's actions
 * (join, leave, shut down and start groups or single servers, log sizes) and its checks. Every
 * client write applied by any replica is checked against one owner per shard per configuration
 * ({@link OwnershipLedger}).
 */
final class ShardLab {

    static final int NSHARDS = 10;
    static final long SECOND = 1_000_000;
    static final long MILLIS = 1_000;
    static final int[] GIDS = {100, 101, 102};
    /** How long one blocking step of a scenario may take, in virtual time, before it fails. */
    static final long STEP_LIMIT = 60 * SECOND;

    private static final int CTRLER_BASE = 0;
    private static final int SECOND_CTRLER_BASE = 10;
    private static final int GROUP_BASE = 1000;
    /** Room for the ids of replicas that join a group by membership change. */
    private static final int GROUP_STRIDE = 1000;
    private static final int FIRST_CLIENT = 5000;

    final SimWorld world;
    final SimCluster ctrler;
    final History history;
    final OwnershipLedger ledger = new OwnershipLedger();
    private final SimCluster[] groups;
    private final long maxRaftState;
    private final SimCtrlerClerk admin;
    private int nextEndpoint = FIRST_CLIENT;

    private ShardLab(int servers, boolean unreliable, long maxRaftState, long seed, MigrationDriver.Options driver) {
        this.world = new SimWorld(seed);
        this.maxRaftState = maxRaftState;
        this.history = new History(() -> world.now() * 1000);
        this.ctrler = controllerGroup(world, CTRLER_BASE);
        RsmOptions rsm = RsmOptions.DEFAULTS.withSnapshotThreshold(Math.max(0, maxRaftState));
        this.groups = new SimCluster[GIDS.length];
        for (int gi = 0; gi < GIDS.length; gi++) {
            SimShardGroupService.Settings settings = new SimShardGroupService.Settings(GIDS[gi], NSHARDS, rsm, driver,
                    endpoints(ctrler), () -> world.now() / 1000, ledger);
            groups[gi] = SimCluster.builder(servers, seed).world(world, GROUP_BASE + GROUP_STRIDE * gi)
                    .service(SimShardGroupService.factory(settings)).build();
        }
        if (unreliable) {
            world.network().setFaults(NetworkFaults.UNRELIABLE);
        }
        this.admin = new SimCtrlerClerk(ctrler, nextEndpoint++, endpoints(ctrler));
    }

    /**
     * The lab's make_config: 3 groups of {@code servers} replicas, a lossy network if
     * {@code unreliable}, snapshots once {@code maxRaftState} bytes of log were applied (-1:
     * never), the production driver's settings.
     */
    static ShardLab make(int servers, boolean unreliable, long maxRaftState, long seed) {
        return new ShardLab(servers, unreliable, maxRaftState, seed,
                new MigrationDriver.Options(64 << 10, Duration.ofMillis(100), Duration.ofSeconds(5)));
    }

    private static SimCluster controllerGroup(SimWorld world, int base) {
        SimCluster[] holder = new SimCluster[1];
        holder[0] = SimCluster.builder(3, world.seed() + base).world(world, base)
                .service(node -> new SimCtrlerService(node, NSHARDS, RsmOptions.DEFAULTS, () -> world.now() / 1000))
                .build();
        return holder[0];
    }

    static List<Integer> endpoints(SimCluster c) {
        return IntStream.rangeClosed(1, c.size()).map(c::endpoint).boxed().toList();
    }

    int servers() {
        return groups[0].size();
    }

    /** The snapshot threshold it was made with, in bytes; -1: never snapshot. */
    long maxRaftState() {
        return maxRaftState;
    }

    SimCluster group(int gi) {
        return groups[gi];
    }

    SimShardGroupService service(int gi, int server) {
        return (SimShardGroupService) groups[gi].node(server).service();
    }

    // ------------------------------------------------------------------ keys

    /** The lab's i-th key: like its keys "0".."9", keys 0..9 fall in ten different shards (key i in shard i mod 10). */
    static String key(int i) {
        for (int n = 0; ; n++) {
            String k = i + "-" + n;
            if (Shards.shardOf(k.getBytes(StandardCharsets.UTF_8), NSHARDS) == i % NSHARDS) {
                return k;
            }
        }
    }

    static int shardOf(String key) {
        return Shards.shardOf(key.getBytes(StandardCharsets.UTF_8), NSHARDS);
    }

    // ------------------------------------------------------------------ clerks

    SimShardClerk makeClerk() {
        return new SimShardClerk(world, nextEndpoint++, endpoints(ctrler), NSHARDS, history);
    }

    /** A clerk that asks another controller group for its configurations (the lab's makeClient(ctl)). */
    SimShardClerk makeClerk(SimCluster controllers) {
        return new SimShardClerk(world, nextEndpoint++, endpoints(controllers), NSHARDS, history);
    }

    /** A second, independent controller group in the same world (TestRejection). */
    SimCluster makeSecondController() {
        return controllerGroup(world, SECOND_CTRLER_BASE);
    }

    SimCtrlerClerk adminOf(SimCluster controllers) {
        return new SimCtrlerClerk(controllers, nextEndpoint++, endpoints(controllers));
    }

    String get(SimShardClerk ck, String key) {
        return awaitResult("get " + key + " by clerk " + ck.endpoint(), done -> ck.get(key, done));
    }

    void put(SimShardClerk ck, String key, String value) {
        awaitResult("put " + key + " by clerk " + ck.endpoint(), done -> ck.put(key, value, () -> done.accept("")));
    }

    void append(SimShardClerk ck, String key, String value) {
        awaitResult("append " + key + " by clerk " + ck.endpoint(), done -> ck.append(key, value, () -> done.accept("")));
    }

    /** The lab's check: a Get must return exactly what the tester expects. */
    void check(SimShardClerk ck, String key, String expected) {
        String actual = get(ck, key);
        if (!expected.equals(actual == null ? "" : actual)) {
            throw fail("get(" + key + "): expected \"" + expected + "\", got \"" + actual + "\"");
        }
    }

    // ------------------------------------------------------------------ configuration

    /** Joins the groups at {@code gis} (indexes into {@link #GIDS}) in one Join. */
    Config join(int... gis) {
        return join(admin, gis);
    }

    Config join(SimCtrlerClerk clerk, int... gis) {
        Map<Integer, List<String>> servers = new LinkedHashMap<>();
        for (int gi : gis) {
            servers.put(GIDS[gi], addresses(gi));
        }
        return awaitResult("join " + servers.keySet(), done -> clerk.join(servers, done));
    }

    /** Removes the groups at {@code gis} in one Leave. */
    Config leave(int... gis) {
        List<Integer> gids = new ArrayList<>();
        for (int gi : gis) {
            gids.add(GIDS[gi]);
        }
        return awaitResult("leave " + gids, done -> admin.leave(gids, done));
    }

    /** Records groups' servers at the controller (the membership tool's last step). */
    Config setServers(Map<Integer, List<String>> servers) {
        return awaitResult("servers " + servers, done -> admin.setServers(servers, done));
    }

    Config query() {
        return awaitResult("query", done -> admin.query(-1, done));
    }

    /** The addresses of group {@code gi}'s members in its committed configuration. */
    List<String> addresses(int gi) {
        return members(gi).stream().map(groups[gi]::address).toList();
    }

    /** Group {@code gi}'s members (voters and learners) in its committed configuration. */
    List<Integer> members(int gi) {
        return List.copyOf(groups[gi].committedMembership().members());
    }

    // ------------------------------------------------------------------ faults

    /** Crashes every replica of group {@code gi} still in existence (those that joined too). */
    void shutdownGroup(int gi) {
        for (int i : groups[gi].ids()) {
            shutdownServer(gi, i);
        }
    }

    void startGroup(int gi) {
        for (int i : groups[gi].ids()) {
            startServer(gi, i);
        }
    }

    void shutdownServer(int gi, int server) {
        if (groups[gi].node(server).isUp()) {
            groups[gi].crash(server);
        }
    }

    void startServer(int gi, int server) {
        groups[gi].start(server);
    }

    void setReliable(boolean reliable) {
        world.network().setFaults(reliable ? NetworkFaults.RELIABLE : NetworkFaults.UNRELIABLE);
    }

    // ------------------------------------------------------------------ running

    void sleep(long micros) {
        world.runFor(micros);
    }

    void await(String what, BooleanSupplier condition, long limitMicros) {
        if (!world.runUntil(condition, limitMicros)) {
            throw fail("not within " + limitMicros / SECOND + " s of virtual time: " + what + describeGroups());
        }
    }

    private <T> T awaitResult(String what, Consumer<Consumer<T>> start) {
        List<T> result = new ArrayList<>(1);
        boolean[] done = {false};
        start.accept(value -> {
            result.add(value);
            done[0] = true;
        });
        await(what, () -> done[0], STEP_LIMIT);
        return result.get(0);
    }

    SimulationFailure fail(String message) {
        return world.fail(message);
    }

    /** Where every shard group stands, for a liveness failure's message: members, and each replica's shards. */
    String describeGroups() {
        StringBuilder out = new StringBuilder();
        for (int gi = 0; gi < groups.length; gi++) {
            SimCluster g = groups[gi];
            out.append("\n  group ").append(GIDS[gi]).append(": committed ").append(g.committedMembership())
                    .append(", leader ").append(g.newestLeader());
            for (int id : g.ids()) {
                out.append("\n    replica ").append(id).append(g.node(id).isUp() ? " up" : " down");
                if (g.node(id).isUp() && g.node(id).service() instanceof SimShardGroupService s) {
                    ShardGroupStateMachine m = s.machine();
                    out.append(", configuration ").append(m.config().num()).append(m.settled() ? " settled" : "")
                            .append(", pulls ").append(m.pullTasks()).append(", deletes ").append(m.gcTasks());
                }
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ checks

    /**
     * The lab's checklogs: no replica's Raft state exceeds 8 × maxraftstate, and without a
     * snapshot threshold no replica took a snapshot.
     */
    void checkLogs() {
        for (int gi = 0; gi < groups.length; gi++) {
            for (int i = 1; i <= servers(); i++) {
                long raft = groups[gi].node(i).raftStateBytes();
                long snapshot = groups[gi].node(i).snapshotBytes();
                if (maxRaftState > 0 && raft > 8 * maxRaftState) {
                    throw fail("group " + GIDS[gi] + " server " + i + ": Raft state of " + raft
                            + " bytes exceeds 8 x maxraftstate = " + 8 * maxRaftState);
                }
                if (maxRaftState < 0 && snapshot > 0) {
                    throw fail("group " + GIDS[gi] + " server " + i + " took a snapshot of " + snapshot
                            + " bytes although maxraftstate is -1");
                }
            }
        }
    }

    /** Raft state plus snapshot bytes summed over every replica of every group (challenge 1). */
    long totalPersistedBytes() {
        long total = 0;
        for (SimCluster g : groups) {
            for (int i = 1; i <= g.size(); i++) {
                total += g.node(i).raftStateBytes() + g.node(i).snapshotBytes();
            }
        }
        return total;
    }

    /** Checks the whole history; fails with the counter-example if it is not linearizable. */
    CheckResult checkLinearizable() {
        CheckResult result = LinearizabilityChecker.check(history.operations(), Duration.ofSeconds(60));
        if (result.isIllegal()) {
            throw fail("history is not linearizable:\n" + result.describe());
        }
        if (!result.isOk()) {
            throw fail("linearizability check undecided: " + result.describe());
        }
        return result;
    }
}
