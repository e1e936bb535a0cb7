package io.shardkv.group;

import io.shardkv.ctrler.ControllerServer;
import io.shardkv.group.engine.EngineSettings;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.redis.RedisServer;
import io.shardkv.redis.resp.RespLimits;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real sharded store in this JVM: a 3-replica controller group and shard groups 100, 101 and
 * 102 of 3 replicas each, on 127.0.0.1 ports with real files and fsync. Groups can be shut down
 * and started again on their data (the labs' shutdowngroup/startgroup).
 */
public final class ShardServerCluster implements AutoCloseable {

    public static final String CLUSTER = "shardkv-test";
    public static final int[] GIDS = {100, 101, 102};
    public static final int REPLICAS = 3;

    private final Path base;
    private final int numShards;
    private final RsmOptions rsm;
    private final MigrationDriver.Options driver;
    private final EngineSettings engine;
    private final EventLoops loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
    private final Transport clients = Transport.create(TransportConfig.builder(CLUSTER).build(),
            ShardGroupServer.codec(), loops);
    private final Map<Integer, InetSocketAddress> controllerPeers = new TreeMap<>();
    private final List<ReplicaServer> controllers = new ArrayList<>();
    private final List<Map<Integer, InetSocketAddress>> groupPeers = new ArrayList<>();
    /** Every group replica's RESP port, kept across its restarts. */
    private final int[][] redisPorts = new int[GIDS.length][REPLICAS + 1];
    private final ShardGroupServer[][] servers = new ShardGroupServer[GIDS.length][REPLICAS + 1];
    private final ControllerClerk admin;
    private final Random random;

    /** Writes replicas' data directories before they first start, as a restore does. */
    @FunctionalInterface
    public interface Seeder {
        void seed(ShardServerCluster cluster) throws Exception;
    }

    /** @param snapshotThresholdBytes 0: never snapshot */
    public ShardServerCluster(Path base, int numShards, long snapshotThresholdBytes, MigrationDriver.Options driver, long seed)
            throws IOException {
        this(base, numShards, snapshotThresholdBytes, driver, seed, cluster -> { });
    }

    /** A cluster whose data directories {@code seeder} writes once the ports are chosen, before any replica starts. */
    public ShardServerCluster(Path base, int numShards, long snapshotThresholdBytes, MigrationDriver.Options driver, long seed,
                              Seeder seeder) throws IOException {
        this(base, numShards, snapshotThresholdBytes, driver, seed, seeder, EngineSettings.MEMORY);
    }

    /** A cluster whose group replicas keep their shards' data in {@code engine}. */
    public ShardServerCluster(Path base, int numShards, long snapshotThresholdBytes, MigrationDriver.Options driver, long seed,
                              Seeder seeder, EngineSettings engine) throws IOException {
        this.base = base;
        this.engine = engine;
        this.numShards = numShards;
        this.rsm = RsmOptions.DEFAULTS.withSnapshotThreshold(snapshotThresholdBytes);
        this.driver = driver;
        this.random = new Random(seed);
        List<Integer> ports = FreePorts.take(REPLICAS * (1 + 2 * GIDS.length));
        for (int id = 1; id <= REPLICAS; id++) {
            controllerPeers.put(id, new InetSocketAddress("127.0.0.1", ports.get(id - 1)));
        }
        for (int gi = 0; gi < GIDS.length; gi++) {
            Map<Integer, InetSocketAddress> peers = new TreeMap<>();
            for (int id = 1; id <= REPLICAS; id++) {
                peers.put(id, new InetSocketAddress("127.0.0.1", ports.get(REPLICAS * (gi + 1) + id - 1)));
                redisPorts[gi][id] = ports.get(REPLICAS * (GIDS.length + 1 + gi) + id - 1);
            }
            groupPeers.add(peers);
        }
        try {
            seeder.seed(this);
        } catch (Exception e) {
            throw new IOException("seeding the data directories failed: " + e, e);
        }
        for (int id = 1; id <= REPLICAS; id++) {
            controllers.add(ControllerServer.start(ReplicaConfig.of(id, controllerPeers, controllerDataDir(id),
                    CLUSTER), numShards, loops));
        }
        for (int gi = 0; gi < GIDS.length; gi++) {
            startGroup(gi);
        }
        this.admin = new ControllerClerk(clients, controllerAddresses());
    }

    /** The controller group's replicas, by id − 1. */
    public List<ReplicaServer> controllers() {
        return List.copyOf(controllers);
    }

    public List<InetSocketAddress> controllerAddresses() {
        return new ArrayList<>(controllerPeers.values());
    }

    public Path controllerDataDir(int id) {
        return base.resolve("ctrler-" + id);
    }

    /** {@code 1=host:port,...}: the controller replicas as {@code --peers} takes them. */
    public String controllerPeers() {
        return peersFlag(controllerPeers);
    }

    /** {@code 1=host:port,...}: group {@code gi}'s replicas as {@code --peers} takes them. */
    public String groupPeers(int gi) {
        return peersFlag(groupPeers.get(gi));
    }

    private static String peersFlag(Map<Integer, InetSocketAddress> peers) {
        StringBuilder b = new StringBuilder();
        peers.forEach((id, a) -> b.append(b.length() == 0 ? "" : ",").append(id).append('=').append(HostPort.format(a)));
        return b.toString();
    }

    public Path dataDir(int gi, int id) {
        return base.resolve("group-" + GIDS[gi] + "-" + id);
    }

    public void startGroup(int gi) throws IOException {
        for (int id = 1; id <= REPLICAS; id++) {
            startServer(gi, id);
        }
    }

    public void startServer(int gi, int id) throws IOException {
        if (servers[gi][id] != null) {
            return;
        }
        ReplicaConfig config = ReplicaConfig.of(id, groupPeers.get(gi), dataDir(gi, id), CLUSTER).withRsm(rsm);
        ShardGroupServer.Redis redis = new ShardGroupServer.Redis(new InetSocketAddress("127.0.0.1", redisPorts[gi][id]),
                null, new RedisServer.Options(1000, RedisServer.Options.DEFAULT_MAX_INCOMPLETE_BYTES, RespLimits.DEFAULTS,
                "test"));
        servers[gi][id] = ShardGroupServer.start(config, new ShardGroupServer.Settings(GIDS[gi], numShards,
                controllerAddresses(), driver).withRedis(redis).withEngine(engine), loops);
    }

    /** The port where group {@code gi}'s replica {@code id} serves Redis clients (while it runs). */
    public int redisPort(int gi, int id) {
        return redisPorts[gi][id];
    }

    public void shutdownGroup(int gi) throws IOException {
        for (int id = 1; id <= REPLICAS; id++) {
            shutdownServer(gi, id);
        }
    }

    public void shutdownServer(int gi, int id) throws IOException {
        ShardGroupServer s = servers[gi][id];
        servers[gi][id] = null;
        if (s != null) {
            s.close();
        }
    }

    public ShardGroupServer server(int gi, int id) {
        return servers[gi][id];
    }

    /** The id of the running replica of group {@code gi} that leads it, waiting up to {@code limit} for one. */
    public int leaderId(int gi, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            for (int id = 1; id <= REPLICAS; id++) {
                if (servers[gi][id] != null && servers[gi][id].status().role() == Role.LEADER) {
                    return id;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("group " + gi + " has no leader within " + limit.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    public List<String> addresses(int gi) {
        return groupPeers.get(gi).values().stream().map(HostPort::format).toList();
    }

    public Config join(int... gis) throws Exception {
        Map<Integer, List<String>> joining = new LinkedHashMap<>();
        for (int gi : gis) {
            joining.put(GIDS[gi], addresses(gi));
        }
        return admin.join(joining).get(30, TimeUnit.SECONDS);
    }

    public Config leave(int... gis) throws Exception {
        List<Integer> gids = new ArrayList<>();
        for (int gi : gis) {
            gids.add(GIDS[gi]);
        }
        return admin.leave(gids).get(30, TimeUnit.SECONDS);
    }

    public Config move(int shard, int gi) throws Exception {
        return admin.move(shard, GIDS[gi]).get(30, TimeUnit.SECONDS);
    }

    public Config query() throws Exception {
        return admin.query(-1).get(30, TimeUnit.SECONDS);
    }

    NetShardClerk clerk() {
        return new NetShardClerk(clients, controllerAddresses(), numShards, new Random(random.nextLong()));
    }

    /** Waits until every running replica of every group has applied configuration {@code num} and settled. */
    public void awaitSettled(long num, Duration limit) throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean all = true;
            for (ShardGroupServer[] group : servers) {
                for (int id = 1; id <= REPLICAS; id++) {
                    if (group[id] != null) {
                        ShardGroupView v = group[id].view().get(5, TimeUnit.SECONDS);
                        all &= v.configNum() == num && v.settled();
                    }
                }
            }
            if (all) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("not every replica settled at configuration " + num + " within " + limit);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until every running group replica has applied its whole log, the same on every replica
     * of a group, twice in a row 200 ms apart: nothing in flight, so what is on disk is settled.
     */
    public void awaitQuiescent(Duration limit) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + limit.toNanos();
        String previous = null;
        while (System.nanoTime() - deadline < 0) {
            StringBuilder state = new StringBuilder();
            boolean applied = true;
            for (ShardGroupServer[] group : servers) {
                long last = -1;
                for (int id = 1; id <= REPLICAS; id++) {
                    if (group[id] != null) {
                        NodeStatus st = group[id].status();
                        applied &= st.appliedIndex() == st.lastIndex() && (last < 0 || last == st.lastIndex());
                        last = st.lastIndex();
                        state.append(st.lastIndex()).append(',');
                    }
                }
                state.append('|');
            }
            if (applied && state.toString().equals(previous)) {
                return;
            }
            previous = applied ? state.toString() : null;
            Thread.sleep(200);
        }
        throw new TimeoutException("group replicas still applying after " + limit);
    }

    /**
     * Bytes of every file under every shard group replica's data directory (the labs' persisted
     * state, on disk), by file relative to the cluster's base directory.
     */
    SortedMap<String, Long> groupDiskFiles() {
        SortedMap<String, Long> sizes = new TreeMap<>();
        for (int gi = 0; gi < GIDS.length; gi++) {
            for (int id = 1; id <= REPLICAS; id++) {
                try (Stream<Path> files = Files.walk(dataDir(gi, id))) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) {
                        sizes.put(base.relativize(p).toString(), Files.size(p));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return sizes;
    }

    @Override
    public void close() throws IOException {
        admin.close();
        for (int gi = 0; gi < GIDS.length; gi++) {
            shutdownGroup(gi);
        }
        for (ReplicaServer c : controllers) {
            c.close();
        }
        clients.close();
        loops.close();
    }
}
