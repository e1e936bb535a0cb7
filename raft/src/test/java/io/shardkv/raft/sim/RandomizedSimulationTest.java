package io.shardkv.raft.sim;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs many seeded {@link RandomizedRun}s. {@code -Dsim.seeds=N} runs seeds firstSeed..firstSeed+N-1
 * ({@code -Dsim.firstSeed}, default 1); {@code -Dsim.seed=S} replays exactly one. Seeds run on all
 * cores; each is independent and deterministic (a run owns its cluster, network, scheduler and
 * random source; nothing static is mutable).
 */
class RandomizedSimulationTest {

    /** Fault phase per seed; 0 lets each seed choose between 2 and 20 s of virtual time. */
    private static final long FAULT_MICROS = Long.getLong("sim.faultMillis", 0) * 1000;

    @Test
    void everySeedKeepsSafetyAndRecoversOnceFaultsHeal() {
        SeedRunner.of(SeedRunner.Seeds.fromProperties("sim.seeds", 200),
                        seed -> new RandomizedRun(seed, FAULT_MICROS).run())
                .replayWith("raft", RandomizedSimulationTest.class)
                .runAndCheck(r -> {
                    if (r.seeds().replay() && !r.outcomes().isEmpty()) {
                        System.out.println("replayed " + r.outcomes().get(0));
                    }
                    Map<FaultMix, Long> perMix = new EnumMap<>(FaultMix.class);
                    for (FaultMix m : FaultMix.values()) {
                        perMix.put(m, 0L);
                    }
                    r.outcomes().forEach(o -> perMix.merge(o.mix(), 1L, Long::sum));
                    return String.format("simulation: %d seeds (%d..%d) in %.1f s on %d threads: %d events, %d entries"
                                    + " committed, %d linearizable reads checked, %d membership changes proposed, per mix %s",
                            r.seeds().count(), r.seeds().first(), r.seeds().last(), r.seconds(), r.threads(),
                            r.sum(RandomizedRun.Outcome::events), r.sum(RandomizedRun.Outcome::committed),
                            r.sum(RandomizedRun.Outcome::reads), r.sum(RandomizedRun.Outcome::confChanges), perMix);
                });
    }
}
