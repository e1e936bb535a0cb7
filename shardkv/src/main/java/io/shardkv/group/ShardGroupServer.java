package io.shardkv.group;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.kv.KvWireTypes;
import io.shardkv.rpc.migration.MigrationWireTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One replica of a shard group: a {@link ReplicaServer} running the {@link ShardGroupStateMachine},
 * with {@link ShardGroupService} answering clients and other groups on its port, and a
 * {@link MigrationDriver} ticking on the node's thread that reaches the controller and other
 * groups through a client transport of its own.
 */
public final class ShardGroupServer implements AutoCloseable {

    /** How often the driver looks for due steps; its poll interval paces controller queries. */
    static final Duration TICK = Duration.ofMillis(20);

    /**
     * What makes a replica part of the sharded store.
     *
     * @param gid         this replica's group id (positive; 0 means "no group" in configurations)
     * @param numShards   the cluster's shard count, the controller's
     * @param controllers the controller replicas' addresses
     * @param driver      migration settings
     */
    public record Settings(int gid, int numShards, List<InetSocketAddress> controllers,
                           MigrationDriver.Options driver) {
        public Settings {
            if (gid <= 0) {
                throw new IllegalArgumentException("gid must be positive, was " + gid);
            }
            if (Shards.invalidCount(numShards) != null) {
                throw new IllegalArgumentException(Shards.invalidCount(numShards));
            }
            if (controllers.isEmpty()) {
                throw new IllegalArgumentException("controllers is empty: at least one controller address is needed");
            }
            controllers = List.copyOf(controllers);
            Objects.requireNonNull(driver, "driver");
        }
    }

    private final ShardGroupStateMachine machine;
    private final Transport outbound;
    private final NetMigrationPeers peers;
    private final ReplicaServer replica;
    private final ScheduledExecutorService ticker;
    private MigrationDriver driver;

    private ShardGroupServer(ReplicaConfig config, Settings settings, EventLoops loops, ReplicaServer.LinkFilter links)
            throws IOException {
        GroupDataFormat.prepare(config.dataDir());
        this.machine = new ShardGroupStateMachine(settings.gid(), settings.numShards(),
                config.rsm().sessionTimeout().toMillis(), config.rsm().maxUnackedPerClient());
        this.outbound = Transport.create(config.transportSettings().build(), codec(), loops);
        this.peers = new NetMigrationPeers(outbound, settings.controllers(), this::onNode);
        try {
            ReplicaConfig named = config.withService(Services.shardGroup(settings.gid()));
            this.replica = ReplicaServer.start(named, loops, codec(), machine, (host, addressOf) -> {
                // The driver is made next, before any request can arrive.
                ShardGroupService service = new ShardGroupService(machine, host, addressOf, () -> driver.installedBytes());
                driver = new MigrationDriver(machine, host, peers, settings.driver(), ShardGroupServer::monotonicMillis);
                return new ReplicaServer.RequestHandler() {
                    @Override
                    public void handle(Object request, Consumer<Object> reply) {
                        service.handle(request, reply);
                    }

                    @Override
                    public Object timeout(Object request) {
                        return ShardGroupService.timeout(request);
                    }

                    @Override
                    public Object shuttingDown(Object request) {
                        return ShardGroupService.shuttingDown(request);
                    }
                };
            }, links);
        } catch (IOException | RuntimeException e) {
            peers.close();
            outbound.close();
            throw e;
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shard-group-" + settings.gid() + "-" + config.id() + "-driver");
            t.setDaemon(true);
            return t;
        });
        MigrationDriver d = driver;
        ticker.scheduleWithFixedDelay(() -> onNode(d::tick), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The driver's clock: only intervals matter, so a wall-clock step must not stall or rush it. */
    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Runs {@code action} on the node's thread (peers' callbacks arrive only after the node started). */
    private void onNode(Runnable action) {
        replica.node().execute(action);
    }

    /** The codec of a shard group's port and of its calls out: Raft, key/value, controller and migration messages. */
    public static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new KvWireTypes()).install(new CtrlerWireTypes())
                .install(new MigrationWireTypes()).build();
    }

    /** Opens the replica's storage, binds its port, starts its node and its migration driver. */
    public static ShardGroupServer start(ReplicaConfig config, Settings settings, EventLoops loops) throws IOException {
        return new ShardGroupServer(config, settings, loops, ReplicaServer.LinkFilter.OPEN);
    }

    static ShardGroupServer start(ReplicaConfig config, Settings settings, EventLoops loops,
                                  ReplicaServer.LinkFilter links) throws IOException {
        return new ShardGroupServer(config, settings, loops, links);
    }

    public InetSocketAddress address() {
        return replica.address();
    }

    public NodeStatus status() {
        return replica.status();
    }

    /** See {@link io.shardkv.raft.node.RaftNode#failure()}. */
    public CompletableFuture<Throwable> failure() {
        return replica.failure();
    }

    /** Bytes of shard data this replica pulled in while it led its group. */
    public long migratedBytes() {
        return driver.installedBytes();
    }

    /** This replica's shard state, read on the node's thread. */
    public CompletableFuture<ShardGroupView> view() {
        return replica.node().callOnNodeThread(machine::view);
    }

    /** The replica under the shard group: its node, port and counters. */
    public ReplicaServer replica() {
        return replica;
    }

    /** Stops the driver, then serving: the port and connections close, then the node and its storage. */
    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        try {
            replica.close();
        } finally {
            peers.close();
            outbound.close();
        }
    }
}
