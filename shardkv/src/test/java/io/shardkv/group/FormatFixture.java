package io.shardkv.group;

import io.shardkv.ctrler.ControllerServer;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.ctrler.ControllerClerk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small cluster's data directories kept as a fixture of the on-disk formats: a one-replica
 * controller and one-replica shard group 1, with snapshots and a log tail behind them (snapshot
 * files, WAL segments, hard state, the controller's and the group's snapshot images, session
 * tables). {@code DataFormatFixtureTest} starts today's servers on every fixture under
 * {@code src/test/resources/formats/}, so a format change that cannot read an older directory
 * fails the build. When a format changes, write a new fixture beside the old ones:
 *
 * <pre>mvn -q -pl shardkv test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.group.FormatFixture -Dexec.args=shardkv/src/test/resources/formats/NAME</pre>
 */
public final class FormatFixture implements AutoCloseable {

    static final String CLUSTER = "shardkv-fixture";
    static final int SHARDS = 8;
    static final int GID = 1;
    static final String EXPECTED = "expected.txt";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final EventLoops loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(1).build());
    private final Transport clients = Transport.create(TransportConfig.builder(CLUSTER).build(),
            ShardGroupServer.codec(), loops);
    private final ReplicaServer controller;
    private final ShardGroupServer group;
    private final InetSocketAddress controllerAddress;
    private final InetSocketAddress groupAddress;

    /** Starts the two replicas on {@code dir}'s {@code ctrler} and {@code group} directories (created if missing). */
    FormatFixture(Path dir, long controllerSnapshotBytes, long groupSnapshotBytes) throws IOException {
        List<Integer> ports = FreePorts.take(2);
        controllerAddress = new InetSocketAddress("127.0.0.1", ports.get(0));
        groupAddress = new InetSocketAddress("127.0.0.1", ports.get(1));
        controller = ControllerServer.start(ReplicaConfig.of(1, Map.of(1, controllerAddress), dir.resolve("ctrler"),
                CLUSTER).withRsm(RsmOptions.DEFAULTS.withSnapshotThreshold(controllerSnapshotBytes)), SHARDS, loops);
        try {
            group = ShardGroupServer.start(ReplicaConfig.of(1, Map.of(1, groupAddress), dir.resolve("group"), CLUSTER)
                    .withRsm(RsmOptions.DEFAULTS.withSnapshotThreshold(groupSnapshotBytes)),
                    new ShardGroupServer.Settings(GID, SHARDS, List.of(controllerAddress), MigrationDriver.Options.DEFAULTS),
                    loops);
        } catch (IOException | RuntimeException e) {
            controller.close();
            clients.close();
            loops.close();
            throw e;
        }
    }

    /** The controller, told where the group is now (it records the address the fixture was written with). */
    ControllerClerk controllerClerk() {
        return new ControllerClerk(clients, List.of(controllerAddress), Duration.ofSeconds(5));
    }

    NetShardClerk clerk(long seed) {
        return new NetShardClerk(clients, List.of(controllerAddress), SHARDS, new Random(seed));
    }

    List<String> groupServers() {
        return List.of(HostPort.format(groupAddress));
    }

    /** Writes a fixture into {@code args[0]} (which must not exist yet). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists: a fixture is written once and then kept as it is");
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try (FormatFixture f = new FormatFixture(dir, 256, 4096);
             ControllerClerk admin = f.controllerClerk();
             NetShardClerk kv = f.clerk(1)) {
            admin.join(Map.of(GID, f.groupServers())).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 8; i++) {
                admin.move(i, GID).get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 64; i++) {
                String v = "value-" + i + "-" + "x".repeat(80);
                kv.put("key-" + i, v, PATIENCE);
                expected.put("key-" + i, v);
            }
            for (int i = 0; i < 10; i++) {
                kv.append("key-" + i, "+tail", PATIENCE);
                expected.put("key-" + i, expected.get("key-" + i) + "+tail");
            }
        }
        for (String part : new String[] {"ctrler", "group"}) {
            try (Stream<Path> files = Files.list(dir.resolve(part))) {
                if (files.noneMatch(p -> p.getFileName().toString().startsWith("snapshot-"))) {
                    throw new IllegalStateException(part + " took no snapshot: the fixture must hold one");
                }
            }
        }
        List<String> lines = new ArrayList<>();
        expected.forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(dir.resolve(EXPECTED), lines, StandardCharsets.UTF_8);
        System.out.println("fixture written to " + dir);
    }

    @Override
    public void close() throws IOException {
        try {
            group.close();
        } finally {
            controller.close();
            clients.close();
            loops.close();
        }
    }
}
