package io.shardkv.kv;

import static io.shardkv.kv.KvLab.SECOND;

import io.shardkv.linearizability.CheckResult;
import io.shardkv.raft.sim.FaultMix;
import io.shardkv.raft.sim.Nemesis;
import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.sim.SteppingClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized seeds of the key/value service in the simulator: 3 or 5 replicas, 2–6 clerks doing
 * gets, puts, appends, compare-and-sets and deletes on a handful of keys while a {@link Nemesis}
 * partitions, crashes and restarts replicas and moves leadership, with or without snapshots;
 * then the faults heal, every clerk must finish, and the whole history must be linearizable.
 * {@code -Dsim.kvSeeds=N} runs N seeds (default 100) from {@code -Dsim.firstSeed} (default 1);
 * {@code -Dsim.seed=S} replays one. Seeds run on all cores: each owns its cluster and history.
 */
class KvRandomizedSimulationTest {

    private static final String[] KEYS = {"a", "b", "c", "d", "e"};

    @Test
    void everySeedStaysLinearizableAndLive() {
        SeedRunner.of(SeedRunner.Seeds.fromProperties("sim.kvSeeds", 100), KvRandomizedSimulationTest::run)
                .replayWith("shardkv", KvRandomizedSimulationTest.class)
                .runAndCheck(r -> String.format("kv simulation: %d seeds in %.1f s on %d threads, %d operations checked,"
                                + " slowest check %d ms", r.seeds().count(), r.seconds(), r.threads(),
                        r.sum(CheckResult::operations), r.max(c -> c.elapsed().toMillis())));
    }

    private static CheckResult run(long seed) {
        Random random = new Random(seed);
        int servers = random.nextInt(3) == 0 ? 5 : 3;
        long threshold = random.nextBoolean() ? 500 + random.nextInt(3000) : 0;
        KvLab lab = KvLab.make(servers, false, threshold, seed);
        FaultMix mix = FaultMix.values()[random.nextInt(FaultMix.values().length)];
        long faultMicros = (3 + random.nextInt(6)) * SECOND;
        new Nemesis(lab.cluster, mix, random, faultMicros).start();
        int clients = 2 + random.nextInt(5);
        List<RandomClient> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            RandomClient client = new RandomClient(lab.makeClerk(), new Random(random.nextLong()));
            all.add(client);
            client.step();
        }
        lab.sleep(faultMicros);
        all.forEach(RandomClient::stop);
        Nemesis.healAll(lab.cluster);
        lab.await("every clerk finishes once the faults heal (mix " + mix + ")",
                () -> all.stream().allMatch(RandomClient::done), 60 * SECOND);
        return lab.checkLinearizable();
    }

    /** Random operations, one at a time; reads are frequent so every key's history stays checkable. */
    private static final class RandomClient extends SteppingClient {
        private final SimKvClerk clerk;
        private final Random random;
        private int next;

        RandomClient(SimKvClerk clerk, Random random) {
            this.clerk = clerk;
            this.random = random;
        }

        @Override
        protected void issue() {
            String key = KEYS[random.nextInt(KEYS.length)];
            String value = clerk.endpoint() + "." + next++;
            int dice = random.nextInt(100);
            if (dice < 40) {
                clerk.get(key, v -> step());
            } else if (dice < 65) {
                clerk.put(key, value, this::step);
            } else if (dice < 80) {
                clerk.append(key, value, this::step);
            } else if (dice < 92) {
                clerk.cas(key, random.nextBoolean() ? null : clerk.endpoint() + "." + random.nextInt(next), value,
                        swapped -> step());
            } else {
                clerk.delete(key, existed -> step());
            }
        }
    }
}
