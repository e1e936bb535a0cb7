package io.shardkv.raft.node;

import static io.shardkv.raft.node.RaftNodeTest.commands;

import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.StorageStats;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real nodes, real sockets on 127.0.0.1, real files with fsync: elect, replicate 10,000 entries,
 * kill the leader abruptly (sockets and thread gone, no hand-off), keep going, restart it from its
 * disk, and require that all logs agree and nothing committed was lost.
 */
class RaftOverSocketsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void replicatesTenThousandEntriesAndSurvivesLeaderKill(int size) throws Exception {
        try (NodeCluster cluster = new NodeCluster(size, tmp, new SocketTransports(), FsyncPolicy.ALWAYS)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            StorageStats before = cluster.node(leader).storageStats();
            long start = System.nanoTime();
            List<Proposal> first = cluster.proposeAll(commands(0, 10_000), 500);
            cluster.awaitAllApplied(first.get(first.size() - 1).index());
            double seconds = (System.nanoTime() - start) / 1e9;
            StorageStats after = cluster.node(leader).storageStats();
            long syncs = after.logSyncs() - before.logSyncs();
            long entries = after.entriesWritten() - before.entriesWritten();
            System.out.printf("raft over sockets, %d nodes: %d entries in %.2f s (%.0f/s); leader fsyncs %d "
                            + "(%.0f/s), %.1f entries per fsync%n", size, first.size(), seconds, first.size() / seconds,
                    syncs, syncs / seconds, (double) entries / Math.max(1, syncs));

            cluster.killLeaderContinueAndRestart(first, commands(10_000, 1_000));
        }
    }
}
