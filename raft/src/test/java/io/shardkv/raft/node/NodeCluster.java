package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * A Raft group of real {@link RaftNode}s in this JVM: real files in a temporary directory, and a
 * transport chosen by the test. Nodes can be stopped abruptly and restarted from their disks.
 */
final class NodeCluster implements AutoCloseable {

    /** Builds node {@code id}'s transport once all nodes are known; closed with the node. */
    interface TransportFactory extends AutoCloseable {
        RaftTransport transportFor(int id, Map<Integer, RaftNode> nodes) throws IOException;

        /** Stops delivering to and from {@code id} (its sockets, for a real transport). */
        void shutdown(int id) throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    static final Duration LIVENESS = Duration.ofSeconds(30);

    private final int size;
    private final Path baseDir;
    private final TransportFactory transports;
    private final StorageOptions storageOptions;
    private final Map<Integer, RaftNode> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, RecordingApplier> appliers = new ConcurrentHashMap<>();
    private final Map<Integer, CommitTracker> trackers = new ConcurrentHashMap<>();

    NodeCluster(int size, Path baseDir, TransportFactory transports, FsyncPolicy fsync) {
        this.size = size;
        this.baseDir = baseDir;
        this.transports = transports;
        this.storageOptions = StorageOptions.DEFAULTS.withFsync(fsync);
    }

    List<Integer> ids() {
        return IntStream.rangeClosed(1, size).boxed().toList();
    }

    void startAll() throws IOException {
        for (int id : ids()) {
            start(id);
        }
    }

    void start(int id) throws IOException {
        RaftConfig config = RaftConfig.builder(id, ids())
                .electionTicks(NodeOptions.DEFAULT_ELECTION_TICKS)
                .heartbeatTicks(NodeOptions.DEFAULT_HEARTBEAT_TICKS)
                .build();
        RaftStorage storage = RaftStorage.open(baseDir.resolve("node-" + id), storageOptions);
        RecordingApplier applier = new RecordingApplier();
        CommitTracker tracker = new CommitTracker();
        Applier both = new Applier() {
            @Override
            public void apply(Entry entry) {
                applier.apply(entry);
                tracker.apply(entry);
            }

            @Override
            public void restore(Snapshot snapshot) {
                applier.restore(snapshot);
                tracker.restore(snapshot);
            }
        };
        RaftNode node = new RaftNode(NodeOptions.of(config), storage, transports.transportFor(id, nodes), both);
        appliers.put(id, applier);
        trackers.put(id, tracker);
        nodes.put(id, node);
        node.start();
    }

    /** Stops node {@code id} without any hand-off: its transport goes away, then its thread. */
    void kill(int id) throws IOException {
        transports.shutdown(id);
        RaftNode node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
    }

    RaftNode node(int id) {
        return nodes.get(id);
    }

    RecordingApplier applier(int id) {
        return appliers.get(id);
    }

    CommitTracker tracker(int id) {
        return trackers.get(id);
    }

    /** Waits for a leader every live node agrees on; returns its id. */
    int awaitLeader() {
        int[] leader = {0};
        await("a leader every live node follows", () -> {
            int candidate = 0;
            for (RaftNode n : nodes.values()) {
                NodeStatus s = n.status();
                if (s.role() == Role.LEADER) {
                    candidate = s.id();
                }
            }
            if (candidate == 0) {
                return false;
            }
            long term = nodes.get(candidate).status().term();
            for (RaftNode n : nodes.values()) {
                if (n.status().leader() != candidate || n.status().term() != term) {
                    return false;
                }
            }
            leader[0] = candidate;
            return true;
        });
        return leader[0];
    }

    /**
     * Proposes {@code commands} through the current leader, at most {@code window} at a time, and
     * returns the positions of those the leader accepted (retrying the rest after a leader change).
     */
    List<Proposal> proposeAll(List<byte[]> commands, int window) throws InterruptedException {
        List<Proposal> accepted = new ArrayList<>();
        int next = 0;
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (next < commands.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not propose all commands within " + LIVENESS);
            }
            int leader = awaitLeader();
            int end = Math.min(commands.size(), next + window);
            List<CompletableFuture<Proposal>> batch = new ArrayList<>();
            for (int i = next; i < end; i++) {
                batch.add(nodes.get(leader).propose(commands.get(i)));
            }
            int ok = 0;
            for (CompletableFuture<Proposal> f : batch) {
                try {
                    accepted.add(f.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
                    ok++;
                } catch (ExecutionException | TimeoutException e) {
                    break;
                }
            }
            next += ok;
            waitUntilApplied(leader, accepted.isEmpty() ? 0 : accepted.get(accepted.size() - 1).index());
        }
        return accepted;
    }

    /** Bounds the uncommitted backlog: the leader applies a window before the next one is proposed. */
    private void waitUntilApplied(int leader, long index) {
        await("leader " + leader + " applies " + index + " or loses leadership", () -> {
            RaftNode n = nodes.get(leader);
            return n == null || n.status().role() != Role.LEADER || n.status().appliedIndex() >= index;
        });
    }

    /** Waits until every live node applied up to {@code index}. */
    void awaitAllApplied(long index) {
        await("every live node applies " + index, () -> nodes.keySet().stream()
                .allMatch(id -> appliers.get(id).lastIndex() >= index));
    }

    /** Whether (index, term) was applied by some live node, i.e. the proposal committed. */
    boolean committed(Proposal p) {
        for (int id : nodes.keySet()) {
            for (Entry e : appliers.get(id).applied()) {
                if (e.index() == p.index()) {
                    return e.term() == p.term();
                }
            }
        }
        return false;
    }

    /**
     * Kills the leader abruptly, proposes {@code more} to the survivors, restarts the killed node
     * from its disk, then requires every log to agree and every proposal of {@code earlier} that
     * had committed before the kill to still be committed.
     */
    void killLeaderContinueAndRestart(List<Proposal> earlier, List<byte[]> more) throws Exception {
        List<Proposal> committedBeforeKill = earlier.stream().filter(this::committed).toList();
        if (committedBeforeKill.isEmpty()) {
            throw new AssertionError("nothing committed before the leader was killed");
        }
        int killed = awaitLeader();
        kill(killed);
        List<Proposal> after = proposeAll(more, 500);
        start(killed);
        long last = after.get(after.size() - 1).index();
        awaitAllApplied(last);
        assertLogsAgreeUpTo(last);
        for (Proposal p : committedBeforeKill) {
            if (!committed(p)) {
                throw new AssertionError("committed entry " + p + " was lost");
            }
        }
    }

    /** Every live node applied the same entries up to {@code index}. */
    void assertLogsAgreeUpTo(long index) {
        List<Entry> reference = null;
        int referenceNode = 0;
        for (int id : nodes.keySet()) {
            List<Entry> upTo = appliers.get(id).applied().stream().filter(e -> e.index() <= index).toList();
            if (reference == null) {
                reference = upTo;
                referenceNode = id;
                continue;
            }
            if (reference.size() != upTo.size()) {
                throw new AssertionError("node " + id + " applied " + upTo.size() + " entries up to " + index
                        + ", node " + referenceNode + " " + reference.size());
            }
            for (int i = 0; i < upTo.size(); i++) {
                Entry a = reference.get(i);
                Entry b = upTo.get(i);
                if (a.index() != b.index() || a.term() != b.term() || !Arrays.equals(a.data(), b.data())) {
                    throw new AssertionError("nodes " + referenceNode + " and " + id + " differ at index " + a.index());
                }
            }
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIVENESS + " waiting for " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (int id : ids()) {
            kill(id);
        }
        transports.close();
    }
}
