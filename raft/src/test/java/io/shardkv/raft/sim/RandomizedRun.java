package io.shardkv.raft.sim;

import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
                          long reads, long confChanges, long virtualMicros) {
    }

    private final long seed;
    private final long faultMicros;
    private final Random random;
    private final FaultMix mix;
    private final SimCluster cluster;
    /** Membership changes among the faults, in two seeds of three; null in the others. */
    private final MembershipNemesis membership;
    private long nextCommand;
    /** Reads that completed below the index applied when they were issued (none, if Raft is right). */
    private final List<String> readViolations = new ArrayList<>();
    private long readsReleased;

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
        // A random of its own, so that the draws above and the nemesis's stay what they were.
        Random changes = new Random(seed * 7_919 + 3);
        this.membership = changes.nextInt(3) != 0 ? new MembershipNemesis(cluster, changes, this.faultMicros) : null;
    }

    public SimCluster cluster() {
        return cluster;
    }

    public Outcome run() {
        scheduleWorkload();
        new Nemesis(cluster, mix, random, faultMicros).start();
        if (membership != null) {
            membership.start();
        }
        cluster.runFor(faultMicros);
        Nemesis.healAll(cluster);
        if (membership != null) {
            settleMembership();
        }
        int leader = awaitLeader();
        long finalIndex = commitFinalEntry(leader);
        checkProposals(finalIndex);
        checkReads();
        return new Outcome(seed, mix, cluster.size(), cluster.eventsExecuted(), cluster.proposals().size(),
                finalIndex, readsReleased, membership == null ? 0 : membership.changesProposed(), cluster.now());
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
        checkReads();
        int leader = cluster.newestLeader();
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
        // Every write applied anywhere has been acknowledged to someone: a read issued now must see it.
        long floor = cluster.highestApplied();
        cluster.node(node).readIndex().whenComplete((index, error) -> {
            if (error != null) {
                return;
            }
            readsReleased++;
            if (index < floor) {
                readViolations.add("linearizable read violated: a read at node " + node + " was served at index "
                        + index + " but index " + floor + " was already applied when it was issued");
            }
        });
    }

    /** Fails the run if a read completed below what was applied when it was issued. */
    private void checkReads() {
        if (!readViolations.isEmpty()) {
            throw cluster.fail(readViolations.get(0));
        }
    }

    // ------------------------------------------------------------------ liveness and final checks

    /**
     * After the faults: the nodes that committed changes removed are stopped (as their operator
     * would), and a leader must bring the group to one committed, non-joint configuration — the
     * membership the liveness checks below then hold to account.
     */
    private void settleMembership() {
        membership.destroyRemovedNow();
        boolean settled = cluster.runUntil(() -> {
            int leader = cluster.newestLeader();
            if (leader == 0) {
                return false;
            }
            RaftCore core = cluster.node(leader).core();
            return core.membershipIndex() <= core.commitIndex() && !core.membership().isJoint()
                    && core.membership().equals(cluster.committedMembership());
        }, LEADER_BOUND_MICROS + COMMIT_BOUND_MICROS);
        if (!settled) {
            throw cluster.fail("liveness: no leader settled the group on a committed configuration within "
                    + (LEADER_BOUND_MICROS + COMMIT_BOUND_MICROS) / 1000 + " ms of virtual time after the faults healed"
                    + " (committed: " + cluster.committedMembership() + ")");
        }
        membership.destroyRemovedNow();
    }

    /** The nodes the group must serve once healed: every member of the committed configuration. */
    private List<Integer> members() {
        return List.copyOf(cluster.committedMembership().members());
    }

    private int awaitLeader() {
        boolean elected = cluster.runUntil(() -> stableLeader() > 0, LEADER_BOUND_MICROS);
        if (!elected) {
            throw cluster.fail("liveness: no leader within " + LEADER_BOUND_MICROS / 1000 + " ms of virtual time after "
                    + "the faults healed (mix " + mix + ")");
        }
        checkReads();
        return stableLeader();
    }

    /** A leader that every live node follows in its term, or 0. */
    private int stableLeader() {
        int leader = cluster.newestLeader();
        if (leader == 0) {
            return 0;
        }
        long term = cluster.node(leader).core().term();
        for (int i : members()) {
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
                int everyone = members().size();
                cluster.runUntil(() -> cluster.appliedCount(index) == everyone
                        || cluster.committedTerm(index) != 0 && !cluster.committedDataIs(index, data)
                        || !stillLeader(proposer, term), Math.max(0, deadline - cluster.now()));
                if (cluster.appliedCount(index) == members().size() && cluster.committedDataIs(index, data)) {
                    return index;
                }
            } else {
                cluster.runFor(50_000);
            }
            leader = cluster.newestLeader();
        }
        throw cluster.fail("liveness: a new entry was not applied on all " + members().size() + " members within "
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
