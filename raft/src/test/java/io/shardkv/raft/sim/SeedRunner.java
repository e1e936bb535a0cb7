package io.shardkv.raft.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;

/**
 * Runs one seeded simulation over many seeds, the way every randomized test does: the seeds come
 * from system properties ({@link Seeds#fromProperties}), independent seeds run on all cores, each
 * seed's outcome is kept for the caller's statistics, the caller's summary line is printed, and the
 * run fails listing every failing seed, with the first failure's whole message and the command that
 * replays it.
 *
 * <pre>{@code
 * SeedRunner.of(Seeds.fromProperties("sim.kvSeeds", 100), seed -> run(seed))
 *         .replayWith("shardkv", KvRandomizedSimulationTest.class)
 *         .runAndCheck(r -> String.format("kv simulation: %d seeds in %.1f s ...", r.seeds().count(), r.seconds()));
 * }</pre>
 *
 * <p>A seed's run must share no mutable state with other seeds' (no static counters, caches or
 * random sources) to run on several threads; a test whose runs do share state asks for
 * {@code threads(1)}. {@code -Dsim.threads=N} caps the others; a replay ({@code -Dsim.seed})
 * always runs on the calling thread.
 *
 * @param <T> what one seed's run reports
 */
public final class SeedRunner<T> {

    /**
     * The seeds of one run: {@code first .. first + count - 1}, or the single seed a replay names.
     *
     * @param replay whether {@code -Dsim.seed} chose the one seed
     */
    public record Seeds(long first, long count, boolean replay) {

        public Seeds {
            if (count < 1) {
                throw new IllegalArgumentException("a run needs at least one seed, count was " + count);
            }
        }

        /**
         * {@code -Dsim.seed=S} replays S alone; otherwise {@code -D<countProperty>} seeds (default
         * {@code defaultCount}) from {@code -Dsim.firstSeed} (default 1). Blank values count as
         * absent (the build passes {@code sim.seed} empty); other values must be whole numbers.
         */
        public static Seeds fromProperties(String countProperty, long defaultCount) {
            String single = System.getProperty("sim.seed", "").strip();
            if (!single.isEmpty()) {
                return new Seeds(parse("sim.seed", single), 1, true);
            }
            return new Seeds(property("sim.firstSeed", 1), property(countProperty, defaultCount), false);
        }

        public long last() {
            return first + count - 1;
        }

        public LongStream stream() {
            return LongStream.rangeClosed(first, last());
        }

        public long[] toArray() {
            return stream().toArray();
        }

        private static long property(String name, long fallback) {
            String value = System.getProperty(name, "").strip();
            return value.isEmpty() ? fallback : parse(name, value);
        }

        private static long parse(String name, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + name + " must be a whole number, was " + value, e);
            }
        }
    }

    /** A seed whose run threw. */
    public record Failure(long seed, Throwable error) {
    }

    /**
     * What a run of many seeds produced.
     *
     * @param threads  how many seeds ran at a time
     * @param seconds  wall-clock seconds the whole run took
     * @param outcomes the outcomes of the seeds that passed, in seed order
     * @param failures the failing seeds, lowest first
     */
    public record Result<T>(Seeds seeds, int threads, double seconds, List<T> outcomes, List<Failure> failures) {

        public Result {
            outcomes = List.copyOf(outcomes);
            failures = List.copyOf(failures);
        }

        /** {@code figure} summed over the seeds that passed. */
        public long sum(ToLongFunction<? super T> figure) {
            return outcomes.stream().mapToLong(figure).sum();
        }

        /** The largest {@code figure} of a seed that passed, or 0. */
        public long max(ToLongFunction<? super T> figure) {
            return outcomes.stream().mapToLong(figure).max().orElse(0);
        }
    }

    private final Seeds seeds;
    private final LongFunction<T> run;
    private int threads = defaultThreads();
    private String replayCommand = "";

    private SeedRunner(Seeds seeds, LongFunction<T> run) {
        this.seeds = Objects.requireNonNull(seeds);
        this.run = Objects.requireNonNull(run);
    }

    /** Runs {@code run} once per seed of {@code seeds}; its return value is the seed's outcome (not null). */
    public static <T> SeedRunner<T> of(Seeds seeds, LongFunction<T> run) {
        return new SeedRunner<>(seeds, run);
    }

    /** {@code -Dsim.threads=N} if given (to leave cores to other work), else one per core. */
    private static int defaultThreads() {
        long n = Seeds.property("sim.threads", Runtime.getRuntime().availableProcessors());
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("-Dsim.threads must be 1..1024, was " + n);
        }
        return (int) n;
    }

    /** At most {@code n} seeds at a time (default {@code -Dsim.threads}, or one per core); 1 if runs share state. */
    public SeedRunner<T> threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + n);
        }
        this.threads = n;
        return this;
    }

    /**
     * Names the test, for the failure message's replay command: {@code mvn -B -pl <module> test
     * -Dtest=<class> -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=S}.
     */
    public SeedRunner<T> replayWith(String module, Class<?> test) {
        this.replayCommand = "mvn -B -pl " + Objects.requireNonNull(module) + " test -Dtest=" + test.getSimpleName()
                + " -Dsurefire.failIfNoSpecifiedTests=false";
        return this;
    }

    /** Runs every seed and returns what they produced; fails only if the harness itself breaks. */
    public Result<T> run() {
        if (seeds.count() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many seeds for one run: " + seeds.count());
        }
        int n = (int) seeds.count();
        int lanes = seeds.replay() ? 1 : Math.min(threads, n);
        Object[] outcomes = new Object[n];
        Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        AtomicLong next = new AtomicLong();
        Runnable lane = () -> {
            for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                long seed = seeds.first() + i;
                try {
                    outcomes[(int) i] = Objects.requireNonNull(run.apply(seed),
                            "the run of seed " + seed + " returned null");
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    failures.add(new Failure(seed, e));
                }
            }
        };
        long start = System.nanoTime();
        if (lanes == 1) {
            lane.run();
        } else {
            runLanes(lane, lanes);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<T> passed = new ArrayList<>();
        for (Object o : outcomes) {
            if (o != null) {
                @SuppressWarnings("unchecked")
                T t = (T) o;
                passed.add(t);
            }
        }
        List<Failure> failed = new ArrayList<>(failures);
        failed.sort(Comparator.comparingLong(Failure::seed));
        return new Result<>(seeds, lanes, seconds, passed, failed);
    }

    /**
     * Runs every seed, prints {@code summary} of the result (the line CI collects), then fails if
     * any seed failed: one {@code FAILED seed S: <first line>} line per failing seed, and an
     * AssertionError naming them all, with the first failure's whole message, its replay command
     * and its stack as the cause.
     */
    public Result<T> runAndCheck(Function<Result<T>, String> summary) {
        Result<T> r = run();
        System.out.println(summary.apply(r));
        if (r.failures().isEmpty()) {
            return r;
        }
        for (Failure f : r.failures()) {
            System.out.println("FAILED seed " + f.seed() + ": " + firstLine(f.error()));
        }
        Failure first = r.failures().get(0);
        String listed = Arrays.toString(r.failures().stream().mapToLong(Failure::seed).toArray());
        StringBuilder message = new StringBuilder()
                .append(r.failures().size()).append(" of ").append(seeds.count()).append(" seeds failed: ")
                .append(listed.substring(1, listed.length() - 1))
                .append("\nfirst failure, seed ").append(first.seed()).append(":\n").append(first.error());
        if (!replayCommand.isEmpty()) {
            message.append("\nreplay it: ").append(replayCommand).append(" -Dsim.seed=").append(first.seed());
        } else {
            message.append("\nreplay it with -Dsim.seed=").append(first.seed());
        }
        throw new AssertionError(message.toString(), first.error());
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("");
    }

    private static void runLanes(Runnable lane, int lanes) {
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < lanes; t++) {
                futures.add(pool.submit(lane));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeds were running", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a seed broke the runner: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
