package io.shardkv.kv;

import io.shardkv.linearizability.History;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Real key/value replicas in this JVM: real sockets on 127.0.0.1, real files with fsync, and a
 * seam to cut Raft links between replicas (clients still reach every replica, as in the labs).
 */
final class KvServerCluster implements AutoCloseable {

    static final String CLUSTER = "kv-test";

    private final int size;
    private final Path base;
    private final RsmOptions rsm;
    private final Map<Integer, InetSocketAddress> peers = new TreeMap<>();
    private final Map<Integer, ReplicaServer> servers = new ConcurrentHashMap<>();
    private final Set<Integer> isolated = ConcurrentHashMap.newKeySet();
    private final EventLoops loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
    private final Transport clients = Transport.create(TransportConfig.builder(CLUSTER).build(), KvServer.codec(), loops);
    private final Random random;

    KvServerCluster(int size, Path base, long snapshotThresholdBytes, long seed) throws IOException {
        this.size = size;
        this.base = base;
        this.rsm = RsmOptions.DEFAULTS.withSnapshotThreshold(snapshotThresholdBytes);
        this.random = new Random(seed);
        List<Integer> ports = FreePorts.take(size);
        for (int id = 1; id <= size; id++) {
            peers.put(id, new InetSocketAddress("127.0.0.1", ports.get(id - 1)));
        }
    }

    void startAll() throws IOException {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
    }

    void start(int id) throws IOException {
        ReplicaConfig config = ReplicaConfig.of(id, peers, base.resolve("replica-" + id), CLUSTER).withRsm(rsm);
        servers.put(id, KvServer.start(config, loops,
                (from, to) -> !isolated.contains(from) && !isolated.contains(to)));
    }

    /**
     * Starts replica {@code id} on a new port with an empty data directory, to join the running
     * group once a membership change adds it; returns its address. Its peers are every replica
     * known so far.
     */
    InetSocketAddress startJoining(int id) throws IOException {
        return startJoining(id, Set.copyOf(peers.keySet()));
    }

    /** As {@link #startJoining(int)}, but it is started knowing only the replicas {@code knows}. */
    InetSocketAddress startJoining(int id, Set<Integer> knows) throws IOException {
        peers.put(id, new InetSocketAddress("127.0.0.1", FreePorts.take(1).get(0)));
        Map<Integer, InetSocketAddress> given = new TreeMap<>();
        for (int known : knows) {
            given.put(known, peers.get(known));
        }
        given.put(id, peers.get(id));
        ReplicaConfig config = ReplicaConfig.of(id, given, base.resolve("replica-" + id), CLUSTER).withRsm(rsm)
                .joining();
        servers.put(id, KvServer.start(config, loops,
                (from, to) -> !isolated.contains(from) && !isolated.contains(to)));
        return peers.get(id);
    }

    /** Stops replica {@code id} and deletes its data directory: the machine is gone for good. */
    void destroy(int id) throws IOException {
        kill(id);
        Path dir = base.resolve("replica-" + id);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        peers.remove(id);
    }

    /** Stops replica {@code id} abruptly: its port closes, its node stops; its disk stays. */
    void kill(int id) throws IOException {
        ReplicaServer s = servers.remove(id);
        if (s != null) {
            s.close();
        }
    }

    void isolate(int id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
    }

    ReplicaServer server(int id) {
        return servers.get(id);
    }

    /** A raw connection to replica {@code id}, for tests that talk to one server directly. */
    PeerConnection connect(int id) {
        return clients.connect(peers.get(id));
    }

    KvClerk clerk(History history) {
        return new KvClerk(clients, new ArrayList<>(peers.values()), history, new Random(random.nextLong()));
    }

    /** The replica that leads the newest term, waiting for one. */
    int awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long best = -1;
            int leader = 0;
            for (ReplicaServer s : servers.values()) {
                if (s.status().role() == Role.LEADER && s.status().term() > best) {
                    best = s.status().term();
                    leader = s.status().id();
                }
            }
            if (leader != 0) {
                return leader;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader within 30 s");
    }

    @Override
    public void close() throws IOException {
        for (int id : List.copyOf(servers.keySet())) {
            kill(id);
        }
        clients.close();
        loops.close();
    }
}
