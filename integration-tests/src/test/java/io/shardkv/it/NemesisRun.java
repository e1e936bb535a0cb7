package io.shardkv.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ShardKvClient;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.rpc.ctrler.Config;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One container test: a fresh cluster, rounds of concurrent clients while faults are injected and
 * healed (optionally with join/leave/move during each fault), and after each round the checks —
 * liveness once healed, every acknowledged append present exactly once, all replicas converged,
 * and the round's whole history linearizable. Prints one summary line starting with
 * {@code containers}.
 *
 * <p>Bounds (generous, for a busy 2-core machine running twelve JVMs): after the last heal every
 * client thread must complete {@value #OPS_AFTER_HEAL} operations within {@link #LIVENESS_BOUND};
 * replicas must converge within {@link #CONVERGENCE_BOUND}.
 */
final class NemesisRun {

    static final int OPS_AFTER_HEAL = 3;
    static final Duration LIVENESS_BOUND = Duration.ofSeconds(90);
    static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(90);
    private static final Duration CHECK_BUDGET = Duration.ofMinutes(5);
    private static final Duration MAX_ROUND = Duration.ofMinutes(60);

    private final String name;
    private final long seed;
    private final Random random;
    private boolean reconfigure;
    private boolean throughRedis;
    private String engine = "memory";

    private final Map<String, Integer> faults = new TreeMap<>();
    private int reconfigurations;
    private int histories;
    private long operations;
    private long completed;
    private long timedOut;
    private long appendsChecked;
    private long slowestCheckMillis;

    private NemesisRun(String name, long seed) {
        this.name = name;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A run seeded by {@code -Dit.seed=N}, or by the clock (the seed is printed either way). */
    static NemesisRun named(String name) {
        String given = System.getProperty("it.seed", "");
        return new NemesisRun(name, given.isBlank() ? System.nanoTime() : Long.parseLong(given.strip()));
    }

    /** Also joins, leaves or moves a shard while each fault is in place. */
    NemesisRun reconfiguring() {
        this.reconfigure = true;
        return this;
    }

    /** The workload's clients are Jedis's RedisClusterClient on the Redis ports, not the client library. */
    NemesisRun throughRedis() {
        this.throughRedis = true;
        return this;
    }

    /** Every shard-group replica keeps its shards' data in {@code engine} (memory or rocksdb). */
    NemesisRun onEngine(String engine) {
        this.engine = engine;
        return this;
    }

    /** One round, injecting each of {@code schedule} in turn. */
    void run(List<Nemesis> schedule) throws Exception {
        Iterator<Nemesis> it = schedule.iterator();
        execute(1, () -> it.hasNext() ? it.next() : null);
    }

    /** Rounds of {@code roundLength} with faults drawn at random from every kind, until {@code total} has passed. */
    void runRandomly(Duration total, Duration roundLength) throws Exception {
        long end = System.nanoTime() + total.toNanos();
        int rounds = (int) Math.max(1, total.toNanos() / roundLength.toNanos());
        Nemesis[] kinds = Nemesis.values();
        long[] roundEnd = new long[1];
        execute(rounds, () -> {
            if (roundEnd[0] == 0) {
                roundEnd[0] = Math.min(end, System.nanoTime() + roundLength.toNanos());
            }
            if (System.nanoTime() >= roundEnd[0]) {
                roundEnd[0] = 0;
                return null;
            }
            return kinds[random.nextInt(kinds.length)];
        });
    }

    private void execute(int rounds, Supplier<Nemesis> schedule) throws Exception {
        long started = System.nanoTime();
        log("seed " + seed + " (replay the fault choices with -Dit.seed=" + seed + ")");
        try (ContainerCluster cluster = ContainerCluster.start(name, engine)) {
            log("cluster up in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            for (int round = 1; round <= rounds; round++) {
                round(cluster, round, schedule);
            }
        }
        System.out.printf("containers %s: seed %d, engine %s, clients %s, %d round(s), %d faults %s, %d reconfigurations,"
                        + " %d operations (%d completed, %d timed out), %d histories checked (all linearizable, slowest"
                        + " check %d ms), %d acknowledged appends all present exactly once, anomalies 0, %d s%n",
                name, seed, engine, throughRedis ? "Jedis on the Redis ports" : "the client library", rounds, faults.values().stream().mapToInt(Integer::intValue).sum(), faults,
                reconfigurations, operations, completed, timedOut, histories, slowestCheckMillis, appendsChecked,
                (System.nanoTime() - started) / 1_000_000_000L);
    }

    private void round(ContainerCluster cluster, int round, Supplier<Nemesis> schedule) throws Exception {
        Supplier<ClusterSession> sessions = throughRedis
                ? () -> RedisClusterSession.connect(cluster, Workload.CALL_TIMEOUT)
                : () -> new LibrarySession(cluster.client(Workload.CALL_TIMEOUT));
        try (Workload w = new Workload(sessions, name + "-" + round + "-", seed + round, MAX_ROUND)) {
            w.awaitEveryThreadCompletes(2, LIVENESS_BOUND);
            for (Nemesis next = schedule.get(); next != null; next = schedule.get()) {
                Nemesis.Fault fault = next.inject(cluster, random);
                long injected = System.nanoTime();
                faults.merge(next.name(), 1, Integer::sum);
                log("inject " + fault.description());
                if (reconfigure) {
                    reconfigureOnce(cluster);
                }
                long hold = 3_000 + random.nextInt(3_000);
                long left = hold - (System.nanoTime() - injected) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
                fault.heal();
                log("healed " + fault.description());
                Thread.sleep(2_000 + random.nextInt(2_000));
            }
            cluster.healAll();
            w.awaitEveryThreadCompletes(OPS_AFTER_HEAL, LIVENESS_BOUND);
            w.stop();
            checkLedgers(cluster, w);
            cluster.awaitConverged(CONVERGENCE_BOUND);
            checkLinearizable(w);
            log("round " + round + " checked: " + w.completedOperations() + " operations completed, "
                    + w.timedOutOperations() + " timed out");
        }
    }

    /** A join, a leave or a move, whichever the current configuration allows. */
    private void reconfigureOnce(ContainerCluster cluster) throws Exception {
        Config config = cluster.latestConfig();
        Set<Integer> joined = config.groups().keySet();
        List<Integer> missing = new ArrayList<>(ContainerCluster.GIDS);
        missing.removeAll(joined);
        int action = random.nextInt(3);
        Config next;
        if (action == 0 && !missing.isEmpty()) {
            int gid = Nemesis.pick(missing, random);
            next = cluster.join(gid);
            log("join " + gid + " -> config " + next.num());
        } else if (action == 1 && joined.size() > 1) {
            int gid = Nemesis.pick(new ArrayList<>(joined), random);
            next = cluster.leave(gid);
            log("leave " + gid + " -> config " + next.num());
        } else {
            int shard = random.nextInt(ContainerCluster.SHARDS);
            int gid = Nemesis.pick(new ArrayList<>(joined), random);
            next = cluster.move(shard, gid);
            log("move shard " + shard + " to " + gid + " -> config " + next.num());
        }
        reconfigurations++;
    }

    /** Every acknowledged append is in its ledger exactly once; nothing is there that was not appended. */
    private void checkLedgers(ContainerCluster cluster, Workload w) {
        try (ShardKvClient reader = cluster.client(LIVENESS_BOUND)) {
            for (String ledger : w.ledgers()) {
                String value = reader.get(ledger);
                Set<String> present = new HashSet<>();
                for (String token : value == null ? new String[0] : value.split(";")) {
                    String t = token + ";";
                    assertTrue(w.attemptedAppends(ledger).contains(t), ledger + " holds " + t + ", never appended");
                    assertTrue(present.add(t), ledger + " holds " + t + " twice");
                }
                for (String t : w.acknowledgedAppends(ledger)) {
                    assertTrue(present.contains(t), ledger + " lost the acknowledged append " + t);
                }
                appendsChecked += w.acknowledgedAppends(ledger).size();
            }
        }
    }

    private void checkLinearizable(Workload w) {
        var ops = w.operations();
        CheckResult result = LinearizabilityChecker.check(ops, CHECK_BUDGET);
        assertTrue(result.isOk(), name + ": " + result.describe());
        histories++;
        operations += ops.size();
        completed += w.completedOperations();
        timedOut += w.timedOutOperations();
        slowestCheckMillis = Math.max(slowestCheckMillis, result.elapsed().toMillis());
    }

    private void log(String event) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + name + ": " + event);
    }
}
