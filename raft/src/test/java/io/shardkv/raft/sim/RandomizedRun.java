package io.shardkv.raft.sim;

import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.ReadState;
import io.shardkv.raft.core.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One randomized simulation, fully determined by its seed: the seed chooses the cluster size, the
 * fault mix, snapshot and batching settings; a workload proposes commands and issues ReadIndex
 * requests at random nodes while a nemesis partitions, crashes, restarts and transfers leadership.
 * Safety is checked after every event. Then the faults heal and liveness is required: a leader
 * within {@link #LEADER_BOUND_MICROS}, a new entry applied on every node within
 * {@link #COMMIT_BOUND_MICROS}, and every accepted proposal either committed at the index and term
 * it was given or provably lost.
 */
public final class RandomizedRun {

    static final long LEADER_BOUND_MICROS = 5_000_000;
    static final long COMMIT_BOUND_MICROS = 10_000_000;

    /** What a finished run reports. */
    public record Outcome(long seed, FaultMix mix, int size, long events, long proposals, long committed,
                          long reads, long virtualMicros) {
    }

    private final long seed;
    private final long faultMicros;
    private final Random random;
    private final FaultMix mix;
    private final SimCluster cluster;
    private long nextCommand;
    private final Map<Long, Long> readFloor = new HashMap<>();
    private long nextReadContext = 1;
    private long readsReleased;
    private final int[] readsSeen;

    /** A run with a fault phase of {@code faultMicros} (0: chosen by the seed). */
    public RandomizedRun(long seed, long faultMicros) {
        this.seed = seed;
        this.random = new Random(seed * 31 + 17);
        this.faultMicros = faultMicros > 0 ? faultMicros : 2_000_000 + random.nextInt(18_000_000);
        FaultMix[] mixes = FaultMix.values();
        this.mix = mixes[random.nextInt(mixes.length)];
        int size = random.nextInt(4) == 0 ? 5 : 3;
        boolean snapshots = random.nextInt(3) != 0;
        SimCluster.Builder b = SimCluster.builder(size, seed)
                .snapshotEvery(snapshots ? 5 + random.nextInt(40) : 0)
                .snapshotFillerBytes(random.nextInt(4_000))
                .snapshotChunkBytes(64 + random.nextInt(1_024))
                .maxMessageBytes(random.nextBoolean() ? 300 + random.nextInt(3_000) : 1 << 20)
                .fsyncMicros(100, new long[] {1_000, 5_000, 30_000}[random.nextInt(3)]);
        boolean preVote = random.nextInt(5) != 0;
        boolean checkQuorum = random.nextInt(5) != 0;
        b.raftConfig(c -> c.preVote(preVote).checkQuorum(checkQuorum).maxInflightMessages(1 + random.nextInt(8)));
        this.cluster = b.build();
        cluster.network().setFaults(mix.network);
        this.readsSeen = new int[size + 1];
    }

    public SimCluster cluster() {
        return cluster;
    }

    public Outcome run() {
        scheduleWorkload();
        scheduleNemesis();
        cluster.runFor(faultMicros);
        stopFaults();
        int leader = awaitLeader();
        long finalIndex = commitFinalEntry(leader);
        checkProposals(finalIndex);
        collectReads();
        return new Outcome(seed, mix, cluster.size(), cluster.eventsExecuted(), cluster.proposals().size(),
                finalIndex, readsReleased, cluster.now());
    }

    // ------------------------------------------------------------------ workload

    private boolean faultPhase() {
        return cluster.now() < faultMicros;
    }

    private void scheduleWorkload() {
        cluster.scheduler().after(random.nextInt(40_000), this::workloadStep);
    }

    private void workloadStep() {
        if (!faultPhase()) {
            return;
        }
        int leader = currentLeader();
        int node = leader > 0 && random.nextInt(4) != 0 ? leader : 1 + random.nextInt(cluster.size());
        if (random.nextInt(6) == 0) {
            requestRead(node);
        } else {
            // Bursts exercise batching and pipelining; single proposals exercise the idle path.
            int burst = random.nextInt(5) == 0 ? 2 + random.nextInt(12) : 1;
            for (int i = 0; i < burst; i++) {
                cluster.proposeAsync(node, command(), index -> { });
            }
        }
        cluster.scheduler().after(random.nextInt(30_000), this::workloadStep);
    }

    private byte[] command() {
        ByteBuffer b = ByteBuffer.allocate(8 + random.nextInt(64));
        b.putLong(nextCommand++);
        return b.array();
    }

    private void requestRead(int node) {
        long context = nextReadContext++;
        // Every write applied anywhere has been acknowledged to someone: a read issued now must see it.
        long floor = cluster.highestApplied();
        cluster.input(node, core -> {
            if (core.readIndex(context)) {
                readFloor.put(context, floor);
            }
        });
    }

    private void collectReads() {
        for (int i = 1; i <= cluster.size(); i++) {
            List<ReadState> released = cluster.node(i).releasedReads();
            for (int k = readsSeen[i]; k < released.size(); k++) {
                ReadState rs = released.get(k);
                Long floor = readFloor.get(rs.context());
                if (floor == null) {
                    throw cluster.fail("read " + rs.context() + " released at node " + i + " was never accepted");
                }
                if (rs.index() < floor) {
                    throw cluster.fail("linearizable read violated: read " + rs.context() + " at node " + i
                            + " released at index " + rs.index() + " but index " + floor
                            + " was already applied when it was issued");
                }
                readsReleased++;
            }
            readsSeen[i] = released.size();
        }
    }

    // ------------------------------------------------------------------ nemesis

    private void scheduleNemesis() {
        if (!mix.partitions && !mix.crashes) {
            scheduleLeadershipTransfers();
            return;
        }
        cluster.scheduler().after(100_000 + random.nextInt(1_000_000), this::nemesisStep);
        scheduleLeadershipTransfers();
    }

    private void nemesisStep() {
        if (!faultPhase()) {
            return;
        }
        collectReads();
        boolean partitionTurn = mix.partitions && (!mix.crashes || random.nextBoolean());
        if (partitionTurn) {
            partitionStep();
        } else {
            crashStep();
        }
        cluster.scheduler().after(100_000 + random.nextInt(1_000_000), this::nemesisStep);
    }

    private void partitionStep() {
        int n = cluster.size();
        switch (random.nextInt(5)) {
            case 0 -> cluster.heal();
            case 1 -> {
                int leader = currentLeader();
                cluster.isolate(leader > 0 ? leader : 1 + random.nextInt(n));
            }
            case 2 -> cluster.isolate(1 + random.nextInt(n));
            case 3 -> {
                int[] sides = new int[n + 1];
                for (int i = 1; i <= n; i++) {
                    sides[i] = random.nextInt(2);
                }
                cluster.partition(sides);
            }
            default -> {
                // A minority that holds the current leader, cut off from the majority.
                int[] sides = new int[n + 1];
                int leader = currentLeader();
                List<Integer> order = shuffledNodes();
                if (leader > 0) {
                    order.remove(Integer.valueOf(leader));
                    order.add(0, leader);
                }
                for (int k = 0; k < n / 2; k++) {
                    sides[order.get(k)] = 1;
                }
                cluster.partition(sides);
            }
        }
    }

    private void crashStep() {
        List<Integer> down = new ArrayList<>();
        List<Integer> up = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            (cluster.node(i).isUp() ? up : down).add(i);
        }
        if (!down.isEmpty() && (up.size() <= cluster.size() / 2 + 1 || random.nextBoolean())) {
            cluster.start(down.get(random.nextInt(down.size())));
        } else if (!up.isEmpty()) {
            int leader = currentLeader();
            int victim = leader > 0 && random.nextBoolean() ? leader : up.get(random.nextInt(up.size()));
            cluster.crash(victim);
        }
    }

    private void scheduleLeadershipTransfers() {
        cluster.scheduler().after(500_000 + random.nextInt(3_000_000), () -> {
            if (!faultPhase()) {
                return;
            }
            int leader = currentLeader();
            if (leader > 0) {
                int target = 1 + random.nextInt(cluster.size());
                cluster.input(leader, core -> core.transferLeadership(target));
            }
            scheduleLeadershipTransfers();
        });
    }

    private List<Integer> shuffledNodes() {
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order;
    }

    /** The live leader of the highest term, or 0. */
    private int currentLeader() {
        long bestTerm = -1;
        int best = 0;
        for (long[] l : cluster.leaders()) {
            if (l[1] > bestTerm) {
                bestTerm = l[1];
                best = (int) l[0];
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ liveness and final checks

    private void stopFaults() {
        cluster.heal();
        cluster.network().setFaults(NetworkFaults.RELIABLE);
        for (int i = 1; i <= cluster.size(); i++) {
            cluster.start(i);
        }
    }

    private int awaitLeader() {
        boolean elected = cluster.runUntil(() -> stableLeader() > 0, LEADER_BOUND_MICROS);
        if (!elected) {
            throw cluster.fail("liveness: no leader within " + LEADER_BOUND_MICROS / 1000 + " ms of virtual time after "
                    + "the faults healed (mix " + mix + ")");
        }
        collectReads();
        return stableLeader();
    }

    /** A leader that every live node follows in its term, or 0. */
    private int stableLeader() {
        int leader = currentLeader();
        if (leader == 0) {
            return 0;
        }
        long term = cluster.node(leader).core().term();
        for (int i = 1; i <= cluster.size(); i++) {
            RaftCore c = cluster.node(i).core();
            if (c.term() != term || c.leader() != leader) {
                return 0;
            }
        }
        return leader;
    }

    private long commitFinalEntry(int initialLeader) {
        long deadline = cluster.now() + COMMIT_BOUND_MICROS;
        int leader = initialLeader;
        while (cluster.now() < deadline) {
            byte[] data = command();
            long index = leader > 0 ? cluster.propose(leader, data) : RaftCore.REJECTED;
            if (index != RaftCore.REJECTED) {
                RaftCore core = cluster.node(leader).core();
                long term = core == null ? -1 : core.term();
                int proposer = leader;
                // Wait until it is applied everywhere, or until the proposal is provably lost: its
                // leader moved on, or another entry was applied at its index.
                cluster.runUntil(() -> cluster.appliedCount(index) == cluster.size()
                        || cluster.committedTerm(index) != 0 && !cluster.committedDataIs(index, data)
                        || !stillLeader(proposer, term), Math.max(0, deadline - cluster.now()));
                if (cluster.appliedCount(index) == cluster.size() && cluster.committedDataIs(index, data)) {
                    return index;
                }
            } else {
                cluster.runFor(50_000);
            }
            leader = currentLeader();
        }
        throw cluster.fail("liveness: a new entry was not applied on all " + cluster.size() + " nodes within "
                + COMMIT_BOUND_MICROS / 1000 + " ms of virtual time after the faults healed (mix " + mix + ")");
    }

    private boolean stillLeader(int node, long term) {
        RaftCore c = cluster.node(node).core();
        return c != null && c.role() == Role.LEADER && c.term() == term;
    }

    private void checkProposals(long finalIndex) {
        for (SimCluster.Proposal p : cluster.proposals()) {
            long term = cluster.committedTerm(p.index());
            if (p.index() > finalIndex) {
                if (term != 0) {
                    throw cluster.fail("entry " + p.index() + " was applied beyond the final index " + finalIndex);
                }
            } else if (term == p.term() && !cluster.committedDataIs(p.index(), p.data())) {
                throw cluster.fail("proposal at " + p.index() + "@" + p.term() + " committed with other data");
            } else if (term == 0) {
                throw cluster.fail("index " + p.index() + " is below the final committed index " + finalIndex
                        + " but no node applied it");
            }
        }
    }
}
