package io.shardkv.raft.sim;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import io.shardkv.raft.core.SoftState;
import io.shardkv.raft.node.Applier;
import io.shardkv.raft.node.NodeDriver;
import io.shardkv.raft.node.NodeInputs;
import io.shardkv.raft.node.NodeStoppedException;
import io.shardkv.raft.node.NodeStorage;
import io.shardkv.raft.node.Proposal;
import io.shardkv.raft.node.ReplicatedLog;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One simulated server: the production {@link NodeDriver} around a {@link RaftCore}, given virtual
 * time and faults. Its disk persists a Ready only after a seeded fsync delay, and inputs that
 * arrive meanwhile wait in an inbox and are handled together afterwards, as a real event loop
 * blocked in fsync would batch them. A crash loses the driver, the inbox and anything not yet
 * durable — and may leave a torn prefix of the write under way. The state machine is a checker's
 * hash chain beside the hosted service, if any, so every applied entry is checked.
 */
public final class SimNode implements ReplicatedLog {

    private final int id;
    private final SimCluster cluster;
    private final RaftConfig config;
    private final SimService.Factory serviceFactory;
    private final SimStorage storage = new SimStorage();
    private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
    /** This incarnation's outbound clients (the service's calls to other groups). */
    private final List<SimGroupClient> clients = new ArrayList<>();

    /** Up from the start of {@link #start} (the service is built while the driver is) until a crash. */
    private boolean up;
    /** Destroyed for good, disk and all: it never starts again. */
    private boolean destroyed;
    private NodeDriver driver;
    private SimStateMachine stateMachine;
    private SimService service;
    private int incarnation;
    /** The Ready whose fsync is under way: a crash now may tear it. */
    private Ready writing;

    /** The checker's state machine hash after each index applied since the last snapshot. */
    private final TreeMap<Long, Long> hashAt = new TreeMap<>();

    private long lastTerm;
    private long lastCommit;
    private boolean wasLeader;
    private long leaderTerm = -1;

    SimNode(int id, SimCluster cluster, RaftConfig config, SimService.Factory serviceFactory) {
        this.id = id;
        this.cluster = cluster;
        this.config = config;
        this.serviceFactory = serviceFactory;
    }

    @Override
    public int id() {
        return id;
    }

    /** The address of node {@code nodeId} of this node's group, for leader hints ({@code "sim-<endpoint>"}). */
    public String addressOf(int nodeId) {
        return cluster.address(nodeId);
    }

    /** This incarnation's service instance, or null if none is hosted or the node is down. */
    public SimService service() {
        return service;
    }

    /**
     * A client this node's service uses to call another group: it sends from this node's endpoint,
     * so partitions and isolation cut it off with the node, and it dies when the node crashes.
     */
    public SimGroupClient client(List<Integer> servers, long attemptTimeoutMicros, long retryPauseMicros) {
        if (!up) {
            throw new IllegalStateException("node " + id + " is down");
        }
        SimGroupClient c = new SimGroupClient(cluster.world(), cluster.endpoint(id), servers, attemptTimeoutMicros,
                retryPauseMicros, cluster.random(), false);
        clients.add(c);
        return c;
    }

    public boolean isUp() {
        return up;
    }

    /** The live core, or null while crashed. Read-only use: inputs go through the node. */
    public RaftCore core() {
        return driver == null ? null : driver.core();
    }

    public long appliedIndex() {
        return stateMachine == null ? 0 : stateMachine.appliedIndex();
    }

    public long raftStateBytes() {
        return storage.raftStateBytes();
    }

    public long snapshotBytes() {
        return storage.snapshotBytes();
    }

    public boolean isLeader() {
        return driver != null && driver.core().role() == Role.LEADER;
    }

    void start() {
        if (up) {
            throw new IllegalStateException("node " + id + " is already up");
        }
        if (destroyed) {
            throw new IllegalStateException("node " + id + " was destroyed");
        }
        up = true;
        DurableState durable = storage.durableState();
        RaftCore core = new RaftCore(config, durable, new Random(cluster.seed() * 1_000_003L + id * 7919L + incarnation));
        stateMachine = new SimStateMachine(cluster.snapshotFillerBytes());
        hashAt.clear();
        int life = incarnation;
        NodeInputs inputs = task -> {
            if (incarnation == life) {
                input(task::run);
            }
        };
        driver = new NodeDriver(core, new Disk(life), cluster::send, inputs, log -> {
            service = serviceFactory == null ? null : serviceFactory.create(this);
            return new Replica(service);
        }, this::afterReady);
        lastTerm = core.term();
        lastCommit = core.commitIndex();
        wasLeader = false;
        cluster.trace().record(cluster.now(), id, "start " + core);
    }

    /** Kills the node. A write in progress may leave a torn prefix of its entries. */
    void crash(int tornEntries) {
        if (!up) {
            return;
        }
        up = false;
        if (writing != null) {
            storage.persistTorn(writing, Math.min(tornEntries, writing.entries().size()));
        }
        cluster.trace().record(cluster.now(), id, "crash" + (writing != null ? " during write" : ""));
        driver = null;
        stateMachine = null;
        service = null;
        clients.forEach(SimGroupClient::close);
        clients.clear();
        writing = null;
        inbox.clear();
        incarnation++;
    }

    /** Crashes the node and loses its disk: it is gone for good (a machine replaced). */
    void destroy() {
        crash(0);
        destroyed = true;
        cluster.trace().record(cluster.now(), id, "destroyed");
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    /** One tick of the node's clock: the core's, then the service's. */
    void tick() {
        input(() -> driver.tick());
        SimService ticked = service;
        if (ticked != null) {
            input(() -> {
                if (service == ticked) {
                    ticked.tick();
                }
            });
        }
    }

    /** Runs {@code action} on the core now, or after the write in progress. */
    void input(Consumer<RaftCore> action) {
        input(() -> action.accept(driver.core()));
    }

    private void input(Runnable action) {
        if (driver == null) {
            return;
        }
        if (driver.busy()) {
            inbox.add(action);
            return;
        }
        action.run();
        afterInput();
        process();
    }

    /**
     * Runs what queued while a Ready was handled (together, as one batch), then the Readies that
     * follow, until a write is under way or nothing is left.
     */
    private void process() {
        while (driver != null && !driver.busy()) {
            while (driver != null && !driver.busy() && !inbox.isEmpty()) {
                inbox.poll().run();
                afterInput();
            }
            if (driver == null || driver.busy()) {
                return;
            }
            driver.processReadies();
            if (inbox.isEmpty()) {
                return;
            }
        }
    }

    private void afterInput() {
        if (driver == null) {
            return;
        }
        RaftCore core = driver.core();
        long term = core.term();
        if (term < lastTerm) {
            throw new SimulationFailure("node " + id + " term went back from " + lastTerm + " to " + term);
        }
        lastTerm = term;
        long commit = core.commitIndex();
        if (commit < lastCommit) {
            throw new SimulationFailure("node " + id + " commit index went back from " + lastCommit + " to " + commit);
        }
        lastCommit = commit;
        boolean leader = core.role() == Role.LEADER;
        if (leader && (!wasLeader || leaderTerm != term)) {
            cluster.checker().leaderElected(id, term, core::logTermAt, core.firstLogIndex());
            leaderTerm = term;
        }
        wasLeader = leader;
    }

    private void afterReady() {
        afterInput();
        maybeCompact();
    }

    /** Without a service, the node snapshots its checker's state every {@code snapshotEvery} entries. */
    private void maybeCompact() {
        int every = cluster.snapshotEvery();
        if (every <= 0) {
            return;
        }
        RaftCore core = driver.core();
        long applied = core.appliedIndex();
        if (applied - (core.firstLogIndex() - 1) >= every) {
            byte[] image = composite(applied, new byte[0]);
            hashAt.headMap(applied).clear();
            core.compact(applied, MemorySnapshots.of(image));
            storage.compact(core.snapshot());
        }
    }

    /** The snapshot holds the checker's state machine image and the service's, so both restore. */
    private byte[] composite(long index, byte[] serviceImage) {
        byte[] sim = checkerImage(index);
        return ByteBuffer.allocate(4 + sim.length + serviceImage.length).putInt(sim.length).put(sim).put(serviceImage)
                .array();
    }

    private byte[] checkerImage(long index) {
        Long hash = hashAt.get(index);
        if (hash == null) {
            throw new IllegalStateException("node " + id + ": no record of the state at " + index);
        }
        return stateMachine.imageAt(index, hash);
    }

    // ------------------------------------------------------------------ ReplicatedLog

    @Override
    public CompletableFuture<Proposal> propose(byte[] data) {
        return driver == null ? down() : driver.propose(data);
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        return driver == null ? down() : driver.readIndex();
    }

    /**
     * Snapshots the service's {@code image} with the checker's image at {@code index}. As on a real
     * node the image is written while the node goes on — here after a seeded virtual delay, and only
     * then serialized, so an image that is not an instant's state shows up as a divergent replica.
     */
    @Override
    public CompletableFuture<Void> compact(long index, SnapshotImage image) {
        if (driver == null) {
            return down();
        }
        if (index < driver.core().firstLogIndex()) {
            return driver.compact(index, image);
        }
        byte[] sim = checkerImage(index);
        return driver.compact(index, out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(sim.length);
            d.write(sim);
            image.writeTo(d);
            d.flush();
        });
    }

    @Override
    public void execute(Runnable action) {
        input(action);
    }

    private <T> CompletableFuture<T> down() {
        return CompletableFuture.failedFuture(new NodeStoppedException("node " + id + " is down", null));
    }

    /** A payload arrived from the network: a Raft message for the core, anything else for the service. */
    void receive(SimNetwork.Envelope envelope) {
        if (envelope.payload() instanceof Message m) {
            input(() -> driver.step(m));
        } else if (envelope.payload() instanceof SimRpc.Request request) {
            input(() -> {
                if (service != null) {
                    service.handle(request.body(), body -> cluster.network().send(cluster.endpoint(id),
                            envelope.from(), new SimRpc.Response(request.id(), body)));
                }
            });
        } else if (envelope.payload() instanceof SimRpc.Response) {
            for (SimGroupClient c : List.copyOf(clients)) {
                c.receive(envelope);
            }
        }
    }

    // ------------------------------------------------------------------ the driver's seams

    /** This incarnation's disk: writes become durable after a seeded fsync delay, unless it crashes first. */
    private final class Disk implements NodeStorage {
        private final int life;

        Disk(int life) {
            this.life = life;
        }

        @Override
        public SnapshotSpool spool() {
            return MemorySnapshots.SPOOL;
        }

        @Override
        public void persist(Ready rd, Snapshot received, Consumer<Snapshot> done) {
            if (!rd.mustPersist()) {
                done.accept(null);
                return;
            }
            writing = rd;
            cluster.scheduler().after(cluster.fsyncDelay(), () -> {
                if (incarnation != life || writing != rd) {
                    return;
                }
                storage.persist(rd, received);
                cluster.checker().persisted(id, rd.entries(), storage::termAt);
                writing = null;
                done.accept(received);
                process();
            });
        }

        @Override
        public CompletableFuture<WrittenSnapshot> writeSnapshot(SnapshotMeta meta, SnapshotImage image) {
            CompletableFuture<WrittenSnapshot> f = new CompletableFuture<>();
            long delay = cluster.fsyncDelay() * (1 + cluster.random().nextInt(20));
            cluster.scheduler().after(delay, () -> {
                if (incarnation != life) {
                    return;
                }
                byte[] written = SnapshotBytes.write(image);
                f.complete(new WrittenSnapshot() {
                    @Override
                    public Snapshot install() {
                        Snapshot snap = new Snapshot(meta, MemorySnapshots.of(written));
                        hashAt.headMap(meta.index()).clear();
                        storage.compact(snap);
                        return snap;
                    }

                    @Override
                    public void discard() {
                    }
                });
            });
            return f;
        }
    }

    /** The state machine: the checker's hash chain, then the hosted service. */
    private final class Replica implements Applier {
        private final SimService hosted;

        Replica(SimService hosted) {
            this.hosted = hosted;
        }

        @Override
        public void apply(Entry e) {
            if (e.kind() == Entry.Kind.CONFIG) {
                cluster.configApplied(e);
            }
            stateMachine.apply(e);
            hashAt.put(e.index(), stateMachine.hash());
            cluster.checker().applied(id, e, stateMachine.hash());
            if (hosted != null) {
                hosted.applier().apply(e);
            }
        }

        @Override
        public void restore(Snapshot snap) {
            ByteBuffer b = ByteBuffer.wrap(SnapshotBytes.of(snap));
            byte[] sim = new byte[b.getInt()];
            b.get(sim);
            byte[] serviceImage = new byte[b.remaining()];
            b.get(serviceImage);
            stateMachine.restore(sim);
            hashAt.clear();
            hashAt.put(snap.index(), stateMachine.hash());
            cluster.checker().restored(id, snap.index(), stateMachine.hash());
            if (hosted != null) {
                hosted.applier().restore(new Snapshot(snap.meta(), MemorySnapshots.of(serviceImage)));
            }
        }

        @Override
        public void onSoftStateChange(SoftState state) {
            if (hosted != null) {
                hosted.applier().onSoftStateChange(state);
            }
        }
    }
}
