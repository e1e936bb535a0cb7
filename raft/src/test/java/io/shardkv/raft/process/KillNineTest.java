package io.shardkv.raft.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes; clients propose through the leader; the leader is killed with SIGKILL
 * mid-stream, the others carry on, the killed one restarts on its data. Every entry a client was
 * told is committed must then be in the durable log of every node.
 */
class KillNineTest {

    private static final Duration LIVENESS = Duration.ofSeconds(60);
    private static final int CLIENTS = 8;

    @TempDir
    Path tmp;

    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
    private final Map<Integer, PeerConnection> connections = new HashMap<>();
    private String peerSpec;

    @Test
    void everyEntryReportedCommittedSurvivesKillNineOfTheLeader() throws Exception {
        List<Integer> ports = FreePorts.take(3);
        StringBuilder spec = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            spec.append(id == 1 ? "" : ",").append(id).append("=127.0.0.1:").append(ports.get(id - 1));
        }
        peerSpec = spec.toString();
        Map<Long, byte[]> committed = new ConcurrentHashMap<>();
        try (Transport client = Transport.create(TransportConfig.builder(NodeProcess.CLUSTER).ioThreads(1).build(),
                NodeProcess.codec())) {
            for (int id = 1; id <= 3; id++) {
                startNode(id);
                connections.put(id, client.connect(new InetSocketAddress("127.0.0.1", ports.get(id - 1))));
            }
            AtomicInteger leader = new AtomicInteger(findLeader());
            ExecutorService clients = startClients(committed, 600, leader);
            awaitCommitted(committed, 300);
            // Mid-stream: the clients keep proposing while the leader dies.
            int killed = leader.get();
            processes.remove(killed).destroyForcibly().waitFor();
            clients.shutdown();
            assertTrue(clients.awaitTermination(LIVENESS.toSeconds() + 30, TimeUnit.SECONDS), "clients did not finish");
            assertTrue(committed.size() >= 600, "only " + committed.size() + " of 600 committed in time");
            startNode(killed);
            long highest = committed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            awaitAllApplied(highest);
        } finally {
            processes.values().forEach(p -> p.destroyForcibly());
            for (Process p : processes.values()) {
                p.waitFor();
            }
        }
        for (int id = 1; id <= 3; id++) {
            Map<Long, byte[]> log = new HashMap<>();
            try (RaftStorage storage = RaftStorage.open(tmp.resolve("node-" + id), StorageOptions.DEFAULTS)) {
                for (Entry e : storage.recoveredState().entries()) {
                    log.put(e.index(), e.data());
                }
            }
            for (Map.Entry<Long, byte[]> c : committed.entrySet()) {
                byte[] found = log.get(c.getKey());
                assertNotNull(found, "node " + id + " lost committed entry " + c.getKey());
                assertArrayEquals(c.getValue(), found, "node " + id + " holds other data at " + c.getKey());
            }
        }
        System.out.println("kill -9: " + committed.size() + " entries reported committed, all present on 3 nodes");
    }

    /** {@link #CLIENTS} threads proposing through the leader until {@code target} entries committed. */
    private ExecutorService startClients(Map<Long, byte[]> committed, int target, AtomicInteger leader) {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        AtomicLong sequence = new AtomicLong();
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        for (int c = 0; c < CLIENTS; c++) {
            pool.submit(() -> {
                while (committed.size() < target && System.nanoTime() < deadline) {
                    byte[] data = ByteBuffer.allocate(16).putLong(sequence.incrementAndGet()).putLong(42).array();
                    try {
                        Object reply = connections.get(leader.get()).request(new ProcessWireTypes.Propose(data),
                                Duration.ofSeconds(5)).get();
                        if (reply instanceof ProcessWireTypes.ProposeReply r && r.outcome().equals("COMMITTED")) {
                            committed.put(r.index(), data);
                        } else {
                            leader.set(findLeader());
                        }
                    } catch (Exception e) {
                        leader.set(findLeader());
                    }
                }
                return null;
            });
        }
        return pool;
    }

    private static void awaitCommitted(Map<Long, byte[]> committed, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (committed.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + committed.size() + " of " + count + " committed in time");
            }
            Thread.sleep(5);
        }
    }

    /** The node every live process names as leader of the newest term; waits for one. */
    private int findLeader() throws InterruptedException {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (System.nanoTime() < deadline) {
            Map<Long, Integer> leaderOfTerm = new TreeMap<>();
            for (int id : processes.keySet()) {
                try {
                    Object reply = connections.get(id).request(new ProcessWireTypes.StatusRequest(0),
                            Duration.ofSeconds(1)).get();
                    if (reply instanceof ProcessWireTypes.StatusReply s && s.role().equals("LEADER")) {
                        leaderOfTerm.put(s.term(), s.id());
                    }
                } catch (Exception unreachable) {
                    // A killed or restarting node: ask the others.
                }
            }
            if (!leaderOfTerm.isEmpty()) {
                return ((TreeMap<Long, Integer>) leaderOfTerm).lastEntry().getValue();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within " + LIVENESS);
    }

    private void awaitAllApplied(long index) throws InterruptedException {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        for (int id = 1; id <= 3; id++) {
            while (true) {
                try {
                    Object reply = connections.get(id).request(new ProcessWireTypes.StatusRequest(0),
                            Duration.ofSeconds(1)).get();
                    if (reply instanceof ProcessWireTypes.StatusReply s && s.applied() >= index) {
                        break;
                    }
                } catch (Exception notYet) {
                    // Restarting: retry below.
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("node " + id + " did not apply " + index + " within " + LIVENESS);
                }
                Thread.sleep(50);
            }
        }
    }

    private void startNode(int id) throws IOException, InterruptedException {
        Path log = tmp.resolve("node-" + id + ".log");
        int readyBefore = readyLines(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                NodeProcess.class.getName(), String.valueOf(id), tmp.resolve("node-" + id).toString(), peerSpec)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        processes.put(id, p);
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (readyLines(log) <= readyBefore) {
            if (!p.isAlive()) {
                throw new AssertionError("node " + id + " exited: " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + id + " did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private static int readyLines(Path log) throws IOException {
        return Files.exists(log) ? (int) Files.readAllLines(log).stream().filter("READY"::equals).count() : 0;
    }
}
