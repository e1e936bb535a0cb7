package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.EngineSettings;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * The scenarios on the in-memory engine, and challenge 1: with the whole state in the Raft
 * snapshot, a deleted shard must leave the replicas' files within the lab's byte budget.
 */
class ShardServerTest extends ShardServerScenarios {

    @Override
    protected EngineSettings engine() {
        return EngineSettings.MEMORY;
    }

    @Test
    void challenge1DeletedShardsLeaveMemoryAndDisk() throws Exception {
        try (ShardServerCluster c = cluster(1); NetShardClerk ck = c.clerk()) {
            c.join(0);
            Random random = new Random(4);
            String[] values = new String[30];
            for (int i = 0; i < 30; i++) {
                values[i] = randomValue(random, 1000);
                ck.put(key(i), values[i], OP_LIMIT);
            }
            for (int iteration = 0; iteration < 2; iteration++) {
                c.join(1);
                c.leave(0);
                c.awaitSettled(c.join(2).num(), SETTLE_LIMIT);
                for (int i = 0; i < 3; i++) {
                    assertEquals(values[i], ck.get(key(i), OP_LIMIT));
                }
                c.leave(1);
                c.join(0);
                c.awaitSettled(c.leave(2).num(), SETTLE_LIMIT);
                for (int i = 0; i < 3; i++) {
                    assertEquals(values[i], ck.get(key(i), OP_LIMIT));
                }
            }
            c.join(1);
            c.awaitSettled(c.join(2).num(), SETTLE_LIMIT);
            c.awaitQuiescent(SETTLE_LIMIT);
            SortedMap<String, Long> files = c.groupDiskFiles();
            long total = files.values().stream().mapToLong(Long::longValue).sum();
            long budget = 3 * (27 * 1000 + 2 * 3 * 1000 + 6000);
            System.out.printf("challenge 1 (real runtime): %,d bytes on disk over 9 replicas (budget %,d)%n", total,
                    budget);
            assertTrue(total <= budget, "9 replicas keep " + total + " bytes on disk; the lab's budget is " + budget
                    + "; by file: " + files);
            checkAll(ck, values);
        }
    }
}
