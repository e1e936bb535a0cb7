package io.shardkv.raft.node;

import io.shardkv.raft.storage.FsyncPolicy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
}
