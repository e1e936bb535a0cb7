package io.shardkv.ctrler;

import static io.shardkv.ctrler.CtrlerLab.SECOND;

import io.shardkv.raft.sim.FaultMix;
import io.shardkv.raft.sim.Nemesis;
import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.sim.SteppingClient;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Randomized seeds of the controller in the simulator under a {@link Nemesis}: clerks join, leave
 * and move their own groups and query configurations while replicas are partitioned, crashed and
 * restarted. Afterwards every replica must hold exactly the same list of configurations, every
 * configuration a client was given must be that list's entry, every join or leave must have been
 * balanced and minimal, and no query may return a configuration older than one already returned
 * before it was issued. {@code -Dsim.ctrlerSeeds=N} (default 100) from {@code -Dsim.firstSeed} (default 1),
 * {@code -Dsim.seed=S} replays one. Seeds run on all cores: each owns its cluster and observations.
 */
class CtrlerRandomizedSimulationTest {

    @Test
    void replicasAgreeOnEveryConfiguration() {
        SeedRunner.of(SeedRunner.Seeds.fromProperties("sim.ctrlerSeeds", 100), CtrlerRandomizedSimulationTest::run)
                .replayWith("shardctrler", CtrlerRandomizedSimulationTest.class)
                .runAndCheck(r -> String.format("controller simulation: %d seeds in %.1f s on %d threads,"
                        + " %d configurations agreed on", r.seeds().count(), r.seconds(), r.threads(), r.sum(c -> c)));
    }

    private static long run(long seed) {
        Random random = new Random(seed);
        int shards = random.nextBoolean() ? 10 : 64;
        CtrlerLab lab = CtrlerLab.make(random.nextInt(3) == 0 ? 5 : 3, shards,
                random.nextBoolean() ? 2_000 + random.nextInt(6_000) : 0, seed);
        FaultMix mix = FaultMix.values()[random.nextInt(FaultMix.values().length)];
        long faultMicros = (3 + random.nextInt(6)) * SECOND;
        new Nemesis(lab.cluster, mix, random, faultMicros).start();
        Observations seen = new Observations();
        List<GroupOwner> clerks = new ArrayList<>();
        for (int c = 0; c < 2 + random.nextInt(4); c++) {
            GroupOwner owner = new GroupOwner(lab, c, new Random(random.nextLong()), seen);
            clerks.add(owner);
            owner.step();
        }
        lab.sleep(faultMicros);
        clerks.forEach(GroupOwner::stop);
        Nemesis.healAll(lab.cluster);
        if (!lab.cluster.runUntil(() -> clerks.stream().allMatch(GroupOwner::done), 60 * SECOND)) {
            throw lab.cluster.fail("clerks did not finish after the faults healed (mix " + mix + ")");
        }
        long latest = lab.query(lab.clerk(), -1).num();
        if (!lab.cluster.runUntil(() -> lab.latestOnEachReplica().stream().allMatch(c -> c.num() == latest)
                && lab.latestOnEachReplica().size() == lab.cluster.size(), 30 * SECOND)) {
            throw lab.cluster.fail("replicas did not all reach configuration " + latest);
        }
        List<Config> reference = configsOf(lab, 1, latest);
        for (int s = 2; s <= lab.cluster.size(); s++) {
            if (!reference.equals(configsOf(lab, s, latest))) {
                throw lab.cluster.fail("replica " + s + " disagrees with replica 1 on the configurations");
            }
        }
        seen.check(lab, reference);
        return latest + 1;
    }

    private static List<Config> configsOf(CtrlerLab lab, int server, long latest) {
        ControllerStateMachine sm = ((SimCtrlerService) lab.cluster.node(server).service()).stateMachine();
        List<Config> out = new ArrayList<>();
        for (long n = 0; n <= latest; n++) {
            out.add(sm.config(n));
        }
        return out;
    }

    /** What clients were told, to compare with what the replicas hold. */
    private static final class Observations {
        private final List<Config> rebalanced = new ArrayList<>();
        private final List<Config> returned = new ArrayList<>();
        private long highestReturned = -1;

        void changed(Config c, boolean rebalance) {
            if (rebalance) {
                rebalanced.add(c);
            }
            returned(c);
        }

        void returned(Config c) {
            returned.add(c);
            highestReturned = Math.max(highestReturned, c.num());
        }

        long highestReturned() {
            return highestReturned;
        }

        void check(CtrlerLab lab, List<Config> history) {
            for (Config c : returned) {
                if (!c.equals(history.get((int) c.num()))) {
                    throw lab.cluster.fail("a client was given configuration " + c.num() + " as " + c
                            + " but the replicas hold " + history.get((int) c.num()));
                }
            }
            for (Config c : rebalanced) {
                Config before = history.get((int) c.num() - 1);
                if (!Rebalancer.balanced(c)) {
                    throw lab.cluster.fail("configuration " + c.num() + " is unbalanced: " + c);
                }
                int minimum = RebalancerTest.minimumMovesClosedForm(before.shards(), new TreeSet<>(c.groups().keySet()));
                if (Rebalancer.moves(before.shards(), c.shards()) != minimum) {
                    throw lab.cluster.fail("configuration " + c.num() + " moved more than the minimum " + minimum);
                }
            }
        }
    }

    /**
     * A clerk that owns the group ids c·100+1 … c·100+99: it joins new ones, leaves and moves
     * shards to its own, so concurrent clerks never make each other's requests invalid.
     */
    private static final class GroupOwner extends SteppingClient {
        private final CtrlerLab lab;
        private final SimCtrlerClerk clerk;
        private final Random random;
        private final Observations seen;
        private final List<Integer> joined = new ArrayList<>();
        private int nextGid;

        GroupOwner(CtrlerLab lab, int index, Random random, Observations seen) {
            this.lab = lab;
            this.clerk = lab.clerk();
            this.random = random;
            this.seen = seen;
            this.nextGid = index * 100 + 1;
        }

        @Override
        protected void issue() {
            int dice = random.nextInt(10);
            if (dice < 3 && joined.size() < 6) {
                int gid = nextGid++;
                clerk.join(Map.of(gid, List.of("s" + gid + ":1")), c -> {
                    joined.add(gid);
                    seen.changed(c, true);
                    step();
                });
            } else if (dice < 5 && !joined.isEmpty()) {
                int gid = joined.remove(random.nextInt(joined.size()));
                clerk.leave(List.of(gid), c -> {
                    seen.changed(c, true);
                    step();
                });
            } else if (dice < 6 && !joined.isEmpty()) {
                clerk.move(random.nextInt(lab.numShards), joined.get(random.nextInt(joined.size())), c -> {
                    seen.changed(c, false);
                    step();
                });
            } else {
                long floor = seen.highestReturned();
                long num = random.nextBoolean() ? -1 : random.nextInt((int) Math.max(1, floor + 1));
                clerk.query(num, c -> {
                    if (num == -1 && c.num() < floor) {
                        throw lab.cluster.fail("query returned configuration " + c.num() + " after " + floor
                                + " had been returned: a stale read");
                    }
                    seen.returned(c);
                    step();
                });
            }
        }
    }
}
