package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.EngineSettings;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scenarios with every group replica's state in RocksDB (small caches: nine engines in one JVM). */
class RocksDbShardServerTest extends ShardServerScenarios {

    @Override
    protected EngineSettings engine() {
        return EngineSettings.ROCKSDB.withMemory(8 << 20, 4 << 20);
    }

    /**
     * A replica stopped and started again, with snapshots compacting the log as it goes, resumes
     * from its engine — not from the snapshot — at the entry it stopped at, and the group serves
     * every write made before, across every replica restarted in turn.
     */
    @Test
    void restartedReplicasResumeFromTheirEngines() throws Exception {
        try (ShardServerCluster c = cluster(8 << 10); NetShardClerk ck = c.clerk()) {
            c.join(0);
            Random random = new Random(7);
            String[] values = new String[40];
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = randomValue(random, 200);
                    ck.put(key(i), values[i], OP_LIMIT);
                }
                int id = 1 + round;
                long applied = c.server(0, id).status().appliedIndex();
                c.shutdownServer(0, id);
                c.startServer(0, id);
                long resumed = c.server(0, id).resumedAt();
                assertTrue(resumed >= applied, "replica " + id + " resumed at " + resumed + ", it had applied " + applied);
                checkAll(ck, values);
            }
        }
    }
}
