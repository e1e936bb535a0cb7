package io.shardkv.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.storage.FsyncPolicy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node runtime over real files, with an in-process transport: the loop, durability, restarts. */
class RaftNodeTest {

    @TempDir
    Path tmp;

    private static NodeCluster.TransportFactory local() {
        Set<Integer> cut = LocalTransport.newCutSet();
        return new NodeCluster.TransportFactory() {
            @Override
            public RaftTransport transportFor(int id, Map<Integer, RaftNode> nodes) {
                cut.remove(id);
                return new LocalTransport(nodes, cut);
            }

            @Override
            public void shutdown(int id) {
                cut.add(id);
            }
        };
    }

    static List<byte[]> commands(int from, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(ByteBuffer.allocate(16).putLong(i).putLong(~i).array());
        }
        return out;
    }

    @Test
    void replicatesSurvivesLeaderKillAndRestartsFromDisk() throws Exception {
        try (NodeCluster cluster = new NodeCluster(3, tmp, local(), FsyncPolicy.ALWAYS)) {
            cluster.startAll();
            List<Proposal> first = cluster.proposeAll(commands(0, 2_000), 200);
            cluster.killLeaderContinueAndRestart(first, commands(2_000, 1_000));
        }
    }

    @Test
    void reportsWhatMetricsAndProbesRead() throws Exception {
        try (NodeCluster cluster = new NodeCluster(3, tmp, local(), FsyncPolicy.ALWAYS)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            RaftNode node = cluster.node(leader);
            long applied = node.status().appliedIndex();
            CompletableFuture<Void> later = node.whenApplied(applied + 100);
            assertTrue(node.whenApplied(applied).isDone(), "an index already applied completes at once");
            List<Proposal> done = cluster.proposeAll(commands(0, 100), 50);
            later.get(30, TimeUnit.SECONDS);
            assertEquals(100, done.size());
            assertTrue(node.latencies().commit().snapshot().count() >= 100, "the leader timed each commit");
            assertTrue(node.latencies().apply().snapshot().count() >= 100);
            assertTrue(node.fsyncLatency().snapshot().count() > 0);
            assertTrue(node.leaderChanges() >= 1, "the leader saw itself become one");
            assertTrue(node.nanosSinceLoop() < TimeUnit.SECONDS.toNanos(5));
            assertTrue(node.diskBytes() > 100 * 16, "the log holds the commands");
            assertEquals(node.status().term(), node.callOnNodeThread(() -> node.status().term()).get(5, TimeUnit.SECONDS));
            ExecutionException thrown = assertThrows(ExecutionException.class,
                    () -> node.callOnNodeThread(() -> { throw new IllegalStateException("reader broke"); })
                            .get(5, TimeUnit.SECONDS));
            assertEquals("reader broke", thrown.getCause().getMessage());
            assertTrue(node.status().running(), "a reader that throws does not stop the node");
            CompletableFuture<Void> never = node.whenApplied(Long.MAX_VALUE);
            cluster.kill(leader);
            ExecutionException stopped = assertThrows(ExecutionException.class, () -> never.get(10, TimeUnit.SECONDS));
            assertInstanceOf(NodeStoppedException.class, stopped.getCause());
        }
    }
}
