package io.shardkv.group;

import static io.shardkv.group.ShardLab.SECOND;
import static io.shardkv.group.ShardLab.key;

import io.shardkv.ctrler.SimCtrlerClerk;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.sim.FaultMix;
import io.shardkv.raft.sim.MembershipNemesis;
import io.shardkv.raft.sim.Nemesis;
import io.shardkv.raft.sim.NetworkFaults;
import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SteppingClient;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Randomized seeds of the whole sharded store in one simulated world: the controller group and
 * three shard groups under a {@link Nemesis} each (loss, delay, duplication, partitions, crashes
 * losing the unsynced tail, leadership transfers), whole-group crashes and restarts, membership
 * changes in the shard groups ({@link MembershipNemesis}: learners, promotions, removals of the
 * leader too, replacements by replicas with empty disks, growing and shrinking — in each group in
 * half the seeds; the reconfigurer records a group's new servers at the controller, as the
 * membership tool does), and a random stream of join, leave and move, while 3–6 clerks get, put
 * and append. Then every fault
 * heals and every clerk must finish; every group must reach the newest configuration with every
 * shard settled; the whole history must be linearizable; every acknowledged append must be in
 * its key exactly once (and no other append more than once); and, checked as they happen, every
 * applied write must come from the one owner of its shard in its configuration.
 *
 * <p>{@code -Dsim.shardRandomSeeds=N} runs N seeds (default 200) from {@code -Dsim.firstSeed}
 * (default 1); {@code -Dsim.seed=S} replays one. Seeds run on all cores: each owns its world
 * (scheduler, network, random sources, history, ownership ledger) and nothing static is mutable.
 */
class ShardRandomizedSimulationTest {

    /** Keys that only ever get appends of unique tokens (and gets): checked for exactly-once. */
    private static final int APPEND_KEYS = 6;
    /** Keys that also get puts: checked by linearizability alone. */
    private static final int ALL_KEYS = 9;

    @Test
    void everySeedStaysLinearizableExactlyOnceAndSingleOwned() {
        SeedRunner.of(SeedRunner.Seeds.fromProperties("sim.shardRandomSeeds", 200), ShardRandomizedSimulationTest::run)
                .replayWith("shardkv", ShardRandomizedSimulationTest.class)
                .runAndCheck(r -> String.format("shard simulation: %d seeds in %.1f s on %d threads, %d configurations,"
                                + " %d operations checked, %d applied writes owner-checked, %d membership changes proposed,"
                        + " slowest check %d ms",
                        r.seeds().count(), r.seconds(), r.threads(), r.sum(Outcome::configs),
                        r.sum(o -> o.check().operations()), r.sum(Outcome::writes), r.sum(Outcome::membershipChanges),
                        r.max(o -> o.check().elapsed().toMillis())));
    }

    private record Outcome(CheckResult check, long writes, long configs, long membershipChanges) {
    }

    private static Outcome run(long seed) {
        Random random = new Random(seed);
        long threshold = random.nextBoolean() ? 300 + random.nextInt(4000) : -1;
        ShardLab lab = ShardLab.make(3, false, threshold, seed);
        FaultMix mix = FaultMix.values()[random.nextInt(FaultMix.values().length)];
        long faultMicros = (4 + random.nextInt(7)) * SECOND;
        long until = lab.world.now() + faultMicros;
        Config first = lab.join(0);

        List<SimCluster> all = new ArrayList<>(List.of(lab.ctrler));
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            all.add(lab.group(gi));
        }
        for (SimCluster c : all) {
            new Nemesis(c, mix, new Random(random.nextLong()), until).start();
        }
        boolean groupRestarts = random.nextBoolean();
        if (groupRestarts) {
            scheduleGroupRestart(lab, new Random(random.nextLong()), until);
        }
        Random changes = new Random(random.nextLong());
        Reconfigurer reconfigurer = new Reconfigurer(lab, first, new Random(random.nextLong()), until);
        List<MembershipNemesis> membership = new ArrayList<>();
        List<Integer> changing = new ArrayList<>();
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            if (changes.nextBoolean()) {
                int gid = ShardLab.GIDS[gi];
                SimCluster group = lab.group(gi);
                MembershipNemesis m = new MembershipNemesis(group, new Random(changes.nextLong()), until)
                        .allowing((config, change) -> reconfigurer.keepsAReplicaToDrainFrom(gid, group, config, change));
                m.start();
                membership.add(m);
                changing.add(ShardLab.GIDS[gi]);
            }
        }
        reconfigurer.next();

        List<RandomClient> clients = new ArrayList<>();
        int n = 3 + random.nextInt(4);
        for (int c = 0; c < n; c++) {
            RandomClient client = new RandomClient(lab.makeClerk(), new Random(random.nextLong()));
            clients.add(client);
            client.step();
        }
        String what = "(mix " + mix + ", group restarts " + groupRestarts + ", maxraftstate " + threshold
                + ", membership changes in " + changing + ")";

        lab.sleep(faultMicros);
        clients.forEach(RandomClient::stop);
        for (SimCluster c : all) {
            Nemesis.healAll(c);
        }
        lab.world.network().setFaults(NetworkFaults.RELIABLE);
        lab.await("the reconfigurer's last change " + what, reconfigurer::idle, 60 * SECOND);
        for (MembershipNemesis m : membership) {
            m.destroyRemovedNow();
        }
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            int g = gi;
            lab.await("group " + ShardLab.GIDS[gi] + " settles on one committed configuration " + what,
                    () -> membershipSettled(lab, g), 60 * SECOND);
        }
        for (MembershipNemesis m : membership) {
            m.destroyRemovedNow();
        }
        reconfigurer.recordServers();
        if (reconfigurer.joined.isEmpty()) {
            lab.join(0);
        }
        lab.await("every clerk finishes once the faults heal " + what,
                () -> clients.stream().allMatch(RandomClient::done), 120 * SECOND);

        long newest = lab.query().num();
        lab.await("every replica of every group at configuration " + newest + " with every shard settled " + what,
                () -> allSettledAt(lab, newest), 60 * SECOND);
        checkAppendsExactlyOnce(lab, clients);
        long proposed = membership.stream().mapToLong(MembershipNemesis::changesProposed).sum();
        return new Outcome(lab.checkLinearizable(), lab.ledger.writes(), newest, proposed);
    }

    /** A leader of group {@code gi} has committed the group's newest configuration, and it is not joint. */
    private static boolean membershipSettled(ShardLab lab, int gi) {
        SimCluster group = lab.group(gi);
        int leader = group.newestLeader();
        if (leader == 0) {
            return false;
        }
        RaftCore core = group.node(leader).core();
        return core.membershipIndex() <= core.commitIndex() && !core.membership().isJoint()
                && core.membership().equals(group.committedMembership());
    }

    private static boolean allSettledAt(ShardLab lab, long num) {
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            for (int i : lab.members(gi)) {
                ShardGroupStateMachine m = lab.service(gi, i).machine();
                if (m.config().num() != num || !m.settled()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads every append key once more and checks it holds each acknowledged token exactly once. */
    private static void checkAppendsExactlyOnce(ShardLab lab, List<RandomClient> clients) {
        SimShardClerk reader = lab.makeClerk();
        for (int k = 0; k < APPEND_KEYS; k++) {
            String value = lab.get(reader, key(k));
            Map<String, Integer> seen = new HashMap<>();
            if (value != null) {
                for (String token : value.split(";")) {
                    if (!token.isEmpty()) {
                        seen.merge(token, 1, Integer::sum);
                    }
                }
            }
            for (Map.Entry<String, Integer> e : seen.entrySet()) {
                if (e.getValue() > 1) {
                    throw lab.fail("append " + e.getKey() + " is in " + key(k) + " " + e.getValue() + " times");
                }
            }
            for (RandomClient c : clients) {
                for (String token : c.acknowledged.getOrDefault(k, Set.of())) {
                    if (!seen.containsKey(token)) {
                        throw lab.fail("acknowledged append " + token + " is missing from " + key(k));
                    }
                }
            }
        }
    }

    /** Crashes a whole shard group every 1–4 s and starts it again 0.2–2 s later. */
    private static void scheduleGroupRestart(ShardLab lab, Random random, long until) {
        lab.world.scheduler().after(SECOND + random.nextInt(3_000_000), () -> {
            if (lab.world.now() >= until) {
                return;
            }
            int gi = random.nextInt(ShardLab.GIDS.length);
            lab.shutdownGroup(gi);
            lab.world.scheduler().after(200_000 + random.nextInt(1_800_000), () -> lab.startGroup(gi));
            scheduleGroupRestart(lab, random, until);
        });
    }

    /**
     * Joins, leaves and moves at random, one change at a time, every 0.2–1.2 s; but first records
     * the servers of any joined group whose committed membership moved away from what the
     * controller holds, as the membership tool does after a change.
     */
    private static final class Reconfigurer {
        private final ShardLab lab;
        private final Random random;
        private final long until;
        private final SimCtrlerClerk admin;
        private final Set<Integer> joined = new TreeSet<>();
        /** The servers the controller's latest configuration (as last seen here) holds for each joined group. */
        private Map<Integer, List<String>> recorded = Map.of();
        /** Each group's servers in the last configuration seen here that held it (kept after it leaves). */
        private final Map<Integer, List<String>> lastServers = new HashMap<>();
        /** The group a leave in flight removes, or 0. */
        private int leaving;
        private boolean busy;

        Reconfigurer(ShardLab lab, Config first, Random random, long until) {
            this.lab = lab;
            this.random = random;
            this.until = until;
            this.admin = lab.adminOf(lab.ctrler);
            seen(first);
        }

        boolean idle() {
            return !busy;
        }

        void next() {
            lab.world.scheduler().after(200_000 + random.nextInt(1_000_000), () -> {
                if (lab.world.now() >= until) {
                    return;
                }
                busy = true;
                Map<Integer, List<String>> moved = movedGroups();
                Consumer<Config> done = config -> {
                    seen(config);
                    busy = false;
                    next();
                };
                if (moved.isEmpty()) {
                    change(done);
                } else {
                    admin.setServers(moved, done);
                }
            });
        }

        private void seen(Config config) {
            joined.clear();
            joined.addAll(config.groups().keySet());
            recorded = config.groups();
            lastServers.putAll(config.groups());
            leaving = 0;
        }

        /**
         * The operator's rule for a group that has left (or is leaving) the configuration: until
         * its shards have moved, keep a member at one of the addresses the controller recorded for
         * it last — the only servers the groups draining it can learn of. A joined group may change
         * freely: the new servers are recorded at the controller.
         */
        boolean keepsAReplicaToDrainFrom(int gid, SimCluster group, MembershipConfig config, ConfChange change) {
            List<String> last = lastServers.get(gid);
            if (last == null || joined.contains(gid) && leaving != gid) {
                return true;
            }
            Set<Integer> removed = new TreeSet<>();
            for (ConfChange.Op op : change.ops()) {
                if (op.type() == ConfChange.Type.REMOVE) {
                    removed.add(op.id());
                }
            }
            for (int member : config.members()) {
                if (!removed.contains(member) && last.contains(group.address(member))) {
                    return true;
                }
            }
            return false;
        }

        /** Joined groups whose committed membership (not joint) differs from what the controller records. */
        private Map<Integer, List<String>> movedGroups() {
            Map<Integer, List<String>> moved = new LinkedHashMap<>();
            for (int gid : joined) {
                int gi = indexOf(gid);
                List<String> now = lab.addresses(gi);
                if (!lab.group(gi).committedMembership().isJoint() && recorded.containsKey(gid)
                        && !Set.copyOf(now).equals(Set.copyOf(recorded.get(gid)))) {
                    moved.put(gid, now);
                }
            }
            return moved;
        }

        /** After the faults, with the reconfigurer idle: records every joined group's servers that moved. */
        void recordServers() {
            seen(lab.query());
            Map<Integer, List<String>> moved = movedGroups();
            if (!moved.isEmpty()) {
                seen(lab.setServers(moved));
            }
        }

        private void change(Consumer<Config> done) {
            List<Integer> out = new ArrayList<>();
            for (int gid : ShardLab.GIDS) {
                if (!joined.contains(gid)) {
                    out.add(gid);
                }
            }
            int dice = random.nextInt(100);
            if (joined.isEmpty() || dice < 35 && !out.isEmpty()) {
                int gi = indexOf(out.get(random.nextInt(out.size())));
                Map<Integer, List<String>> servers = new LinkedHashMap<>();
                servers.put(ShardLab.GIDS[gi], lab.addresses(gi));
                admin.join(servers, done);
            } else if (dice < 65) {
                List<Integer> in = new ArrayList<>(joined);
                leaving = in.get(random.nextInt(in.size()));
                admin.leave(List.of(leaving), done);
            } else {
                List<Integer> in = new ArrayList<>(joined);
                admin.move(random.nextInt(ShardLab.NSHARDS), in.get(random.nextInt(in.size())), done);
            }
        }

        private static int indexOf(int gid) {
            for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
                if (ShardLab.GIDS[gi] == gid) {
                    return gi;
                }
            }
            throw new IllegalArgumentException("no group " + gid);
        }
    }

    /** One clerk's random operations, one at a time, remembering which appends were acknowledged. */
    private static final class RandomClient extends SteppingClient {
        private final SimShardClerk clerk;
        private final Random random;
        private final Map<Integer, Set<String>> acknowledged = new HashMap<>();
        private int next;

        RandomClient(SimShardClerk clerk, Random random) {
            this.clerk = clerk;
            this.random = random;
        }

        @Override
        protected void issue() {
            int k = random.nextInt(ALL_KEYS);
            String token = clerk.endpoint() + "." + next++;
            int dice = random.nextInt(100);
            if (dice < 40) {
                clerk.get(key(k), v -> step());
            } else if (k >= APPEND_KEYS && dice < 60) {
                clerk.put(key(k), token + ";", this::step);
            } else {
                clerk.append(key(k), token + ";", () -> {
                    acknowledged.computeIfAbsent(k, x -> new TreeSet<>()).add(token);
                    step();
                });
            }
        }
    }
}
