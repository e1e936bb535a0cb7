package io.shardkv.group;

import static io.shardkv.group.ShardLab.SECOND;
import static io.shardkv.group.ShardLab.key;

import io.shardkv.ctrler.SimCtrlerClerk;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.raft.sim.FaultMix;
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
 * losing the unsynced tail, leadership transfers), whole-group crashes and restarts, and a
 * random stream of join, leave and move, while 3–6 clerks get, put and append. Then every fault
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
                                + " %d operations checked, %d applied writes owner-checked, slowest check %d ms",
                        r.seeds().count(), r.seconds(), r.threads(), r.sum(Outcome::configs),
                        r.sum(o -> o.check().operations()), r.sum(Outcome::writes),
                        r.max(o -> o.check().elapsed().toMillis())));
    }

    private record Outcome(CheckResult check, long writes, long configs) {
    }

    private static Outcome run(long seed) {
        Random random = new Random(seed);
        long threshold = random.nextBoolean() ? 300 + random.nextInt(4000) : -1;
        ShardLab lab = ShardLab.make(3, false, threshold, seed);
        FaultMix mix = FaultMix.values()[random.nextInt(FaultMix.values().length)];
        long faultMicros = (4 + random.nextInt(7)) * SECOND;
        long until = lab.world.now() + faultMicros;
        lab.join(0);

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
        Reconfigurer reconfigurer = new Reconfigurer(lab, new Random(random.nextLong()), until);
        reconfigurer.next();

        List<RandomClient> clients = new ArrayList<>();
        int n = 3 + random.nextInt(4);
        for (int c = 0; c < n; c++) {
            RandomClient client = new RandomClient(lab.makeClerk(), new Random(random.nextLong()));
            clients.add(client);
            client.step();
        }
        String what = "(mix " + mix + ", group restarts " + groupRestarts + ", maxraftstate " + threshold + ")";

        lab.sleep(faultMicros);
        clients.forEach(RandomClient::stop);
        for (SimCluster c : all) {
            Nemesis.healAll(c);
        }
        lab.world.network().setFaults(NetworkFaults.RELIABLE);
        lab.await("the reconfigurer's last change " + what, reconfigurer::idle, 60 * SECOND);
        if (reconfigurer.joined.isEmpty()) {
            lab.join(0);
        }
        lab.await("every clerk finishes once the faults heal " + what,
                () -> clients.stream().allMatch(RandomClient::done), 120 * SECOND);

        long newest = lab.query().num();
        lab.await("every replica of every group at configuration " + newest + " with every shard settled " + what,
                () -> allSettledAt(lab, newest), 60 * SECOND);
        checkAppendsExactlyOnce(lab, clients);
        return new Outcome(lab.checkLinearizable(), lab.ledger.writes(), newest);
    }

    private static boolean allSettledAt(ShardLab lab, long num) {
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            for (int i = 1; i <= lab.servers(); i++) {
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

    /** Joins, leaves and moves at random, one change at a time, every 0.2–1.2 s. */
    private static final class Reconfigurer {
        private final ShardLab lab;
        private final Random random;
        private final long until;
        private final SimCtrlerClerk admin;
        private final Set<Integer> joined = new TreeSet<>(List.of(ShardLab.GIDS[0]));
        private boolean busy;

        Reconfigurer(ShardLab lab, Random random, long until) {
            this.lab = lab;
            this.random = random;
            this.until = until;
            this.admin = lab.adminOf(lab.ctrler);
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
                change(config -> {
                    joined.clear();
                    joined.addAll(config.groups().keySet());
                    busy = false;
                    next();
                });
            });
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
                admin.leave(List.of(in.get(random.nextInt(in.size()))), done);
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
