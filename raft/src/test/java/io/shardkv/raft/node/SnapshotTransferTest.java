package io.shardkv.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.rsm.RsmOutcome;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on the real runtime: taken off the node thread into files, and sent to a replica that
 * fell behind the leader's log in many chunks, which it spools into a file of its own and restores
 * from — the same state, and nothing left behind in its directory.
 */
class SnapshotTransferTest {

    private static final List<Integer> IDS = List.of(1, 2, 3);

    @TempDir
    Path tmp;

    private final Map<Integer, RaftNode> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, RsmHost> hosts = new ConcurrentHashMap<>();
    private final Map<Integer, Registers> machines = new ConcurrentHashMap<>();
    private final Set<Integer> cut = LocalTransport.newCutSet();

    /** key=value commands into a map; the image is a copy taken at capture. */
    private static final class Registers implements StateMachine {
        private final Map<String, String> values = new TreeMap<>();

        @Override
        public byte[] apply(long index, long timeMillis, byte[] command) {
            String[] kv = new String(command, StandardCharsets.UTF_8).split("=", 2);
            values.put(kv[0], kv[1]);
            return new byte[0];
        }

        @Override
        public byte[] query(byte[] query) {
            return new byte[0];
        }

        @Override
        public SnapshotImage snapshot() {
            Map<String, String> copy = new TreeMap<>(values);
            return out -> {
                DataOutputStream data = new DataOutputStream(out);
                data.writeInt(copy.size());
                for (Map.Entry<String, String> e : copy.entrySet()) {
                    data.writeUTF(e.getKey());
                    data.writeUTF(e.getValue());
                }
                data.flush();
            };
        }

        @Override
        public void restore(InputStream image) throws IOException {
            DataInputStream in = new DataInputStream(image);
            values.clear();
            for (int n = in.readInt(); n > 0; n--) {
                values.put(in.readUTF(), in.readUTF());
            }
        }

        Map<String, String> copy() {
            return new TreeMap<>(values);
        }
    }

    private Path dir(int id) {
        return tmp.resolve("node-" + id);
    }

    private void start(int id) throws IOException {
        RaftConfig config = RaftConfig.builder(id, IDS)
                .electionTicks(NodeOptions.DEFAULT_ELECTION_TICKS)
                .heartbeatTicks(NodeOptions.DEFAULT_HEARTBEAT_TICKS)
                .snapshotChunkBytes(4096)
                .build();
        Registers machine = new Registers();
        cut.remove(id);
        RaftNode node = new RaftNode(NodeOptions.of(config), RaftStorage.open(dir(id), StorageOptions.DEFAULTS),
                new LocalTransport(nodes, cut), log -> {
                    RsmHost host = new RsmHost(machine, log, RsmOptions.DEFAULTS.withSnapshotThreshold(16 * 1024),
                            System::currentTimeMillis);
                    hosts.put(id, host);
                    return host;
                });
        machines.put(id, machine);
        nodes.put(id, node);
        node.start();
    }

    private void kill(int id) throws IOException {
        cut.add(id);
        nodes.remove(id).close();
    }

    /** Writes key i = value i for i in [from, to) through whichever node leads, one at a time. */
    private void write(int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            byte[] command = ("k" + (i % 500) + "=" + "v".repeat(40) + i).getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!propose(command)) {
                assertTrue(System.nanoTime() < deadline, "write " + i + " not committed in 30 s");
                Thread.sleep(20);
            }
        }
    }

    private boolean propose(byte[] command) throws Exception {
        for (Map.Entry<Integer, RaftNode> e : nodes.entrySet()) {
            CompletableFuture<RsmOutcome> outcome = new CompletableFuture<>();
            RsmHost host = hosts.get(e.getKey());
            e.getValue().execute(() -> host.submitInternal(command, outcome::complete));
            if (outcome.get(10, TimeUnit.SECONDS) instanceof RsmOutcome.Ok) {
                return true;
            }
        }
        return false;
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void awaitSameState(int id, int as) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!machineState(id).equals(machineState(as))) {
            assertTrue(System.nanoTime() < deadline, "node " + id + " did not catch up with node " + as);
            Thread.sleep(20);
        }
    }

    private Map<String, String> machineState(int id) {
        CompletableFuture<Map<String, String>> state = new CompletableFuture<>();
        nodes.get(id).execute(() -> state.complete(machines.get(id).copy()));
        return state.join();
    }

    @Test
    void aReplicaBehindTheCompactedLogGetsTheSnapshotSpooledToItsDiskAndRestoresTheSameState() throws Exception {
        try {
            for (int id : IDS) {
                start(id);
            }
            write(0, 100);
            kill(3);
            write(100, 1_500);
            awaitSameState(2, 1);
            List<String> leaderFiles = files(dir(1));
            assertTrue(leaderFiles.stream().anyMatch(f -> f.startsWith("snapshot-")), "node 1 took snapshots: "
                    + leaderFiles);

            start(3);
            awaitSameState(3, 1);
            assertEquals(500, machineState(3).size(), "every key written");
            List<String> behindFiles = files(dir(3));
            assertEquals(1, behindFiles.stream().filter(f -> f.startsWith("snapshot-") && f.endsWith(".snap")).count(),
                    "node 3 installed one snapshot: " + behindFiles);
            assertTrue(behindFiles.stream().noneMatch(f -> f.endsWith(".tmp")), "nothing half-written left: "
                    + behindFiles);

            kill(3);
            start(3);
            awaitSameState(3, 1);
        } finally {
            for (int id : List.copyOf(nodes.keySet())) {
                kill(id);
            }
        }
    }
}
