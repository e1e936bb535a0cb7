package io.shardkv.it;

import static io.shardkv.it.Nemesis.ISOLATE_GROUP_LEADER;
import static io.shardkv.it.Nemesis.KILL_GROUP_LEADER;
import static io.shardkv.it.Nemesis.KILL_REPLICA;
import static io.shardkv.it.Nemesis.PAUSE_GROUP_LEADER;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Redis protocol under faults: Jedis's RedisClusterClient, over TLS with a client certificate,
 * on every replica's Redis port, while group leaders are killed with SIGKILL, cut off and frozen,
 * each during a join, leave or move; the histories are checked linearizable and the client
 * library then reads every acknowledged append exactly once.
 */
class RedisIT {

    @Test
    void jedisHistoriesStayLinearizableThroughLeaderKillsAndMigrations() throws Exception {
        NemesisRun.named("redis").throughRedis().reconfiguring()
                .run(List.of(KILL_GROUP_LEADER, KILL_REPLICA, ISOLATE_GROUP_LEADER, KILL_GROUP_LEADER, PAUSE_GROUP_LEADER));
    }
}
