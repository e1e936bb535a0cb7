package io.shardkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Runs many seeded {@link RandomizedRun}s. {@code -Dsim.seeds=N} runs seeds firstSeed..firstSeed+N-1
 * ({@code -Dsim.firstSeed}, default 1); {@code -Dsim.seed=S} replays exactly one. Seeds run on all
 * cores; each is independent and deterministic.
 */
class RandomizedSimulationTest {

    /** Fault phase per seed; 0 lets each seed choose between 2 and 20 s of virtual time. */
    private static final long FAULT_MICROS = Long.getLong("sim.faultMillis", 0) * 1000;

    @Test
    void everySeedKeepsSafetyAndRecoversOnceFaultsHeal() throws Exception {
        String single = System.getProperty("sim.seed", "");
        if (!single.isBlank()) {
            RandomizedRun.Outcome o = new RandomizedRun(Long.parseLong(single.trim()), FAULT_MICROS).run();
            System.out.println("replayed " + o);
            return;
        }
        long first = Long.getLong("sim.firstSeed", 1);
        long count = Long.getLong("sim.seeds", 200);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong events = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        Map<FaultMix, AtomicLong> perMix = new EnumMap<>(FaultMix.class);
        for (FaultMix m : FaultMix.values()) {
            perMix.put(m, new AtomicLong());
        }
        List<String> failures = new ArrayList<>();
        long startNanos = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int lane = t;
                futures.add(pool.submit(() -> {
                    for (long s = first + lane; s < first + count; s += threads) {
                        try {
                            RandomizedRun.Outcome o = new RandomizedRun(s, FAULT_MICROS).run();
                            events.addAndGet(o.events());
                            committed.addAndGet(o.committed());
                            reads.addAndGet(o.reads());
                            perMix.get(o.mix()).incrementAndGet();
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add("seed " + s + ": " + e.getMessage());
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("simulation: %d seeds (%d..%d) in %.1f s on %d threads: %d events, %d entries committed, "
                        + "%d linearizable reads checked, per mix %s%n",
                count, first, first + count - 1, seconds, threads, events.get(), committed.get(), reads.get(), perMix);
        if (!failures.isEmpty()) {
            failures.sort(null);
            for (String f : failures) {
                System.out.println("FAILED " + f.lines().findFirst().orElse(""));
            }
            String first3 = String.join("\n\n", failures.subList(0, Math.min(3, failures.size())));
            assertEquals(0, failures.size(), failures.size() + " of " + count + " seeds failed; first:\n" + first3);
        }
    }
}
