package io.shardkv.group;

import io.shardkv.group.engine.DurableEngine;
import io.shardkv.group.engine.EngineSettings;
import io.shardkv.group.engine.GroupEngine;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.redis.RedisServer;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvWireTypes;
import io.shardkv.rpc.migration.MigrationWireTypes;
import io.shardkv.rpc.redis.RedisEndpoint;
import io.shardkv.rpc.redis.RedisEndpointRequest;
import io.shardkv.rpc.redis.RedisWireTypes;
import io.shardkv.rpc.tls.TlsContexts;
import io.shardkv.rpc.tls.TokenFile;
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
import java.util.function.IntFunction;

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
     * @param redis       where to serve Redis clients; null for no RESP port
     * @param engine      which engine keeps the shards' data
     */
    public record Settings(int gid, int numShards, List<InetSocketAddress> controllers,
                           MigrationDriver.Options driver, Redis redis, EngineSettings engine) {

        public Settings(int gid, int numShards, List<InetSocketAddress> controllers, MigrationDriver.Options driver) {
            this(gid, numShards, controllers, driver, null, EngineSettings.MEMORY);
        }

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
            Objects.requireNonNull(engine, "engine");
        }

        /** These settings with a RESP port. */
        public Settings withRedis(Redis redis) {
            return new Settings(gid, numShards, controllers, driver, redis, engine);
        }

        /** These settings with the shards' data kept by {@code engine}. */
        public Settings withEngine(EngineSettings engine) {
            return new Settings(gid, numShards, controllers, driver, redis, engine);
        }
    }

    /**
     * A replica's RESP port. With TLS on the replica ({@link ReplicaConfig#tls()}) it has TLS too,
     * and its clients' certificates or tokens ({@link ReplicaConfig#tokens()}) give their roles.
     *
     * @param listen   where to bind (port 0: any free port)
     * @param announce the {@code host:port} Redis clients are sent to for this replica
     *                 (MOVED, CLUSTER SLOTS); null: this replica's cluster host with the bound port
     */
    public record Redis(InetSocketAddress listen, String announce, RedisServer.Options options) {
        public Redis {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(options, "options");
        }
    }

    private final GroupEngine engine;
    private final ShardGroupStateMachine machine;
    private final Transport outbound;
    private final NetMigrationPeers peers;
    private final ReplicaServer replica;
    private final ScheduledExecutorService ticker;
    private final RedisEndpoints redisEndpoints;
    private final WriteForwarder forwarder;
    private final RedisServer redis;
    private MigrationDriver driver;
    private RsmHost host;
    private IntFunction<String> addressOfNode;
    /** Where this replica serves Redis clients, once its RESP port is bound; read on the node's thread. */
    private volatile String redisAddress;

    private ShardGroupServer(ReplicaConfig config, Settings settings, EventLoops loops, ReplicaServer.LinkFilter links)
            throws IOException {
        GroupDataFormat.prepare(config.dataDir());
        this.engine = settings.engine().open(config.dataDir());
        try {
            this.machine = new ShardGroupStateMachine(settings.gid(), settings.numShards(),
                    engine, config.rsm().sessionTimeout().toMillis(), config.rsm().maxUnackedPerClient());
        } catch (RuntimeException e) {
            engine.close();
            throw new IOException("cannot reopen the group state kept by the engine in " + config.dataDir() + ": "
                    + e.getMessage() + " (removing its 'engine' directory makes the replica rebuild that state from "
                    + "its Raft snapshot and log)", e);
        }
        Transport outbound = null;
        try {
            outbound = Transport.create(config.transportSettings().build(), codec(), loops);
            this.peers = new NetMigrationPeers(outbound, settings.controllers(), this::onNode);
        } catch (RuntimeException e) {
            if (outbound != null) {
                outbound.close();
            }
            engine.close();
            throw e;
        }
        this.outbound = outbound;
        try {
            ReplicaConfig named = config.withService(Services.shardGroup(settings.gid()));
            this.replica = ReplicaServer.start(named, loops, codec(), machine, (host, addressOf) -> {
                // The driver is made next, before any request can arrive.
                ShardGroupService service = new ShardGroupService(machine, host, addressOf, () -> driver.installedBytes());
                driver = new MigrationDriver(machine, host, peers, settings.driver(), ShardGroupServer::monotonicMillis);
                this.host = host;
                this.addressOfNode = addressOf;
                return new ReplicaServer.RequestHandler() {
                    @Override
                    public void handle(Object request, Consumer<Object> reply) {
                        if (request instanceof RedisEndpointRequest) {
                            reply.accept(new RedisEndpoint(settings.gid(), config.id(), redisAddress, host.isLeader()));
                        } else {
                            service.handle(request, reply);
                        }
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
            engine.close();
            throw e;
        }
        this.redisEndpoints = new RedisEndpoints(outbound, System::nanoTime);
        this.forwarder = new WriteForwarder(outbound, key -> replica.node().callOnNodeThread(() -> {
            Config reached = machine.config();
            return reached.groups().get(reached.groupOf(Shards.shardOf(key, reached.numShards())));
        }));
        try {
            this.redis = settings.redis() == null ? null : startRedis(config, settings, loops);
        } catch (IOException | RuntimeException e) {
            replica.close();
            redisEndpoints.close();
            forwarder.close();
            peers.close();
            outbound.close();
            engine.close();
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

    private RedisServer startRedis(ReplicaConfig config, Settings settings, EventLoops loops) throws IOException {
        Redis r = settings.redis();
        GroupRedisBackend backend = new GroupRedisBackend(machine, host, replica, addressOfNode, redisEndpoints, forwarder,
                config.clusterId(), settings.numShards(), new RedisEndpoint(settings.gid(), config.id(), null, false));
        // The RESP port has the cluster port's TLS files and tokens: the same certificates give the same roles.
        TlsContexts tls = config.tls().map(files -> TlsContexts.load(files, config.tokens().isPresent())).orElse(null);
        TokenFile tokens = config.tokens().map(TokenFile::load).orElse(null);
        RedisServer server = RedisServer.listen(r.listen(), backend, loops, r.options(),
                new RedisServer.Security(tls, tokens));
        InetSocketAddress own = config.peers().get(config.id());
        redisAddress = r.announce() != null ? r.announce()
                : HostPort.format(InetSocketAddress.createUnresolved(own == null ? server.localAddress().getHostString()
                : own.getHostString(), server.localAddress().getPort()));
        return server;
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
                .install(new MigrationWireTypes()).install(new RedisWireTypes()).build();
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

    /** Where this replica serves Redis clients (as it tells them), or null if it has no RESP port. */
    public String redisAddress() {
        return redis == null ? null : redisAddress;
    }

    /** Where this replica keeps its shards' data. */
    public GroupEngine engine() {
        return engine;
    }

    /** The entry this replica resumed at from its engine when it started (0: it rebuilt its state); see {@link RsmHost#resumedAt}. */
    public long resumedAt() {
        return host.resumedAt();
    }

    /** The RESP port, or null if this replica has none. */
    public RedisServer redis() {
        return redis;
    }

    /**
     * Stops the driver, then serving: the RESP port and its connections close, then the cluster port
     * and its connections, then the node and its storage, then the engine — persisted first if it
     * is durable, so that a stopped replica starts again where it stopped, with nothing to replay.
     */
    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        try {
            if (redis != null) {
                redis.close();
            }
            replica.close();
            if (engine instanceof DurableEngine durable) {
                durable.persist();
            }
        } finally {
            redisEndpoints.close();
            forwarder.close();
            peers.close();
            outbound.close();
            engine.close();
        }
    }
}
