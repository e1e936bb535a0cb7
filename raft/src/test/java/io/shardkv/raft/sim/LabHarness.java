package io.shardkv.raft.sim;

import io.shardkv.raft.core.RaftCore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * The Raft lab harness (6.5840 {@code raft/config.go}) rebuilt on the simulator, in virtual time:
 * {@code checkOneLeader}, {@code one}, {@code nCommitted}, {@code wait}, disconnect/crash/start.
 * Its limits are the lab's (5 s to find a leader, 10 s per agreement, 2 s to see it applied).
 * "Connected" means up and not isolated.
 */
public final class LabHarness {

    /** With snapshots on (the lab's snapshot tests), every node snapshots each this many applied entries. */
    public static final int SNAPSHOT_EVERY = 10;

    /** Filler bytes in every snapshot, so that each is about 1 KB and an install takes several chunks. */
    public static final int SNAPSHOT_FILLER_BYTES = 1_000;

    /** Snapshots travel in chunks of this many bytes. */
    public static final int SNAPSHOT_CHUNK_BYTES = 256;

    private final SimCluster cluster;

    public LabHarness(SimCluster cluster) {
        this.cluster = cluster;
    }

    /** The lab's make_config: n nodes, snapshots every 10 applied entries when asked, reliable or not. */
    public static LabHarness make(int n, boolean reliable, boolean snapshots, long seed) {
        SimCluster c = SimCluster.builder(n, seed)
                .snapshotEvery(snapshots ? SNAPSHOT_EVERY : 0)
                .snapshotFillerBytes(snapshots ? SNAPSHOT_FILLER_BYTES : 0)
                .snapshotChunkBytes(SNAPSHOT_CHUNK_BYTES)
                .build();
        if (!reliable) {
            c.network().setFaults(NetworkFaults.UNRELIABLE);
        }
        return new LabHarness(c);
    }

    /** Seeds the scenario tests run with: 1..{@code -Dsim.scenarioSeeds} (default 3), or just {@code -Dsim.seed}. */
    public static LongStream seeds() {
        String single = System.getProperty("sim.seed", "");
        if (!single.isBlank()) {
            return LongStream.of(Long.parseLong(single.trim()));
        }
        return LongStream.rangeClosed(1, Long.getLong("sim.scenarioSeeds", 3));
    }

    public SimCluster cluster() {
        return cluster;
    }

    public int n() {
        return cluster.size();
    }

    public static byte[] cmd(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public boolean connected(int i) {
        return cluster.node(i).isUp() && !cluster.network().isIsolated(i);
    }

    public void disconnect(int i) {
        cluster.isolate(i);
    }

    public void connect(int i) {
        cluster.reconnect(i);
    }

    /** The lab's crash1: the node stops; what it had not made durable is gone. */
    public void crash(int i) {
        cluster.crash(i);
    }

    /** The lab's start1: a fresh instance from the node's durable state (connection state unchanged). */
    public void start(int i) {
        cluster.restart(i);
    }

    public void sleep(long micros) {
        cluster.runFor(micros);
    }

    /** Up to 10 rounds of ~0.5 s: fails if a term has two leaders, returns the newest term's leader. */
    public int checkOneLeader() {
        for (int round = 0; round < 10; round++) {
            sleep(450_000 + cluster.random().nextInt(100_000));
            Map<Long, List<Integer>> byTerm = new TreeMap<>();
            for (int i = 1; i <= n(); i++) {
                RaftCore c = cluster.node(i).core();
                if (connected(i) && cluster.node(i).isLeader()) {
                    byTerm.computeIfAbsent(c.term(), t -> new ArrayList<>()).add(i);
                }
            }
            for (Map.Entry<Long, List<Integer>> e : byTerm.entrySet()) {
                if (e.getValue().size() > 1) {
                    throw cluster.fail("term " + e.getKey() + " has " + e.getValue().size() + " leaders: " + e.getValue());
                }
            }
            if (!byTerm.isEmpty()) {
                return ((TreeMap<Long, List<Integer>>) byTerm).lastEntry().getValue().get(0);
            }
        }
        throw cluster.fail("expected one leader, got none");
    }

    /** Every connected node agrees on the term; returns it. */
    public long checkTerms() {
        long term = -1;
        for (int i = 1; i <= n(); i++) {
            if (connected(i)) {
                long t = cluster.node(i).core().term();
                if (term == -1) {
                    term = t;
                } else if (t != term) {
                    throw cluster.fail("servers disagree on term: " + term + " vs " + t);
                }
            }
        }
        return term;
    }

    public void checkNoLeader() {
        for (int i = 1; i <= n(); i++) {
            if (connected(i) && cluster.node(i).isLeader()) {
                throw cluster.fail("expected no leader among connected servers, but " + i + " claims to be leader");
            }
        }
    }

    /** How many live nodes applied {@code index}; the simulator has already checked they agree on it. */
    public int nCommitted(long index) {
        return cluster.appliedCount(index);
    }

    /**
     * The lab's one(): within 10 s, find a connected node that accepts {@code cmd}, then give it 2 s to
     * be applied with exactly this command on {@code expected} nodes. Without retry, the first failed
     * 2 s window is fatal. Returns the index.
     */
    public long one(byte[] cmd, int expected, boolean retry) {
        long deadline = cluster.now() + 10_000_000;
        int starter = 0;
        while (cluster.now() < deadline) {
            long index = RaftCore.REJECTED;
            for (int k = 0; k < n(); k++) {
                starter = starter % n() + 1;
                if (connected(starter)) {
                    index = cluster.propose(starter, cmd);
                    if (index != RaftCore.REJECTED) {
                        break;
                    }
                }
            }
            if (index != RaftCore.REJECTED) {
                long idx = index;
                boolean done = cluster.runUntil(
                        () -> nCommitted(idx) >= expected && cluster.committedDataIs(idx, cmd), 2_000_000);
                if (done) {
                    return idx;
                }
                if (!retry) {
                    throw cluster.fail("one(" + ByteBuffer.wrap(cmd).getLong() + ") failed to reach agreement on "
                            + expected + " servers at index " + idx);
                }
            } else {
                sleep(50_000);
            }
        }
        throw cluster.fail("one(" + ByteBuffer.wrap(cmd).getLong() + ") failed to reach agreement in 10 s");
    }

    /**
     * The lab's wait(): polls with doubling back-off (about 30 s in all) until {@code n} nodes applied
     * {@code index}; gives up early (returning -1) if a node's term passes {@code startTerm}.
     */
    public long waitFor(long index, int n, long startTerm) {
        long backoff = 10_000;
        for (int i = 0; i < 30; i++) {
            if (nCommitted(index) >= n) {
                break;
            }
            sleep(backoff);
            if (backoff < 1_000_000) {
                backoff *= 2;
            }
            if (startTerm > -1) {
                for (int k = 1; k <= n(); k++) {
                    RaftCore c = cluster.node(k).core();
                    if (c != null && c.term() > startTerm) {
                        return -1;
                    }
                }
            }
        }
        if (nCommitted(index) < n) {
            throw cluster.fail("only " + nCommitted(index) + " servers applied " + index + ", wanted " + n);
        }
        return index;
    }

    /** Proposes at node {@code i} like the lab's Start; returns {index, term} or null if refused. */
    public long[] propose(int i, byte[] cmd) {
        long index = cluster.propose(i, cmd);
        if (index == RaftCore.REJECTED) {
            return null;
        }
        return new long[] {index, cluster.node(i).core().term()};
    }

    /**
     * Several lab one() calls running at once: every command is proposed (retrying at other nodes
     * when refused or lost) until each is applied on {@code expected} nodes, within 10 s.
     */
    public void oneConcurrently(List<byte[]> cmds, int expected) {
        long deadline = cluster.now() + 10_000_000;
        long[] index = new long[cmds.size()];
        long[] proposedAt = new long[cmds.size()];
        Arrays.fill(index, RaftCore.REJECTED);
        int starter = 0;
        while (cluster.now() < deadline) {
            boolean allDone = true;
            for (int k = 0; k < cmds.size(); k++) {
                byte[] cmd = cmds.get(k);
                if (index[k] != RaftCore.REJECTED && nCommitted(index[k]) >= expected
                        && cluster.committedDataIs(index[k], cmd)) {
                    continue;
                }
                allDone = false;
                boolean stale = index[k] == RaftCore.REJECTED || cluster.now() - proposedAt[k] > 2_000_000
                        || cluster.committedTerm(index[k]) != 0 && !cluster.committedDataIs(index[k], cmd);
                if (stale) {
                    starter = starter % n() + 1;
                    if (connected(starter)) {
                        int slot = k;
                        proposedAt[k] = cluster.now();
                        index[k] = RaftCore.REJECTED;
                        cluster.proposeAsync(starter, cmd, i -> index[slot] = i);
                    }
                }
            }
            if (allDone) {
                return;
            }
            sleep(20_000);
        }
        throw cluster.fail("concurrent agreement on " + cmds.size() + " commands did not finish in 10 s");
    }

    /** Whether {@code cmd} was applied by any node at any of {@code indexes}. */
    public boolean appliedAnywhere(byte[] cmd, List<Long> indexes) {
        for (long i : indexes) {
            if (nCommitted(i) > 0 && cluster.committedDataIs(i, cmd)) {
                return true;
            }
        }
        return false;
    }

    /** Requests sent so far (each counted as the lab counts an RPC). */
    public long rpcTotal() {
        return cluster.network().requestsSent();
    }

    public long bytesTotal() {
        return cluster.network().bytesSent();
    }

    /** The lab's LogSize(): the largest persisted Raft state in bytes. */
    public long logSize() {
        return cluster.maxRaftStateBytes();
    }
}
