package io.shardkv.it;

import static io.shardkv.it.Nemesis.DISCONNECT_NODE;
import static io.shardkv.it.Nemesis.ISOLATE_GROUP_LEADER;
import static io.shardkv.it.Nemesis.KILL_GROUP;
import static io.shardkv.it.Nemesis.KILL_REPLICA;
import static io.shardkv.it.Nemesis.PAUSE_GROUP_LEADER;
import static io.shardkv.it.Nemesis.RANDOM_HALVES;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reconfiguration: a join, leave or move during each of crashes, partitions and pauses — on the
 * RocksDB engine, so shards are pulled into it and dropped from it (range deletes) under faults.
 */
class ReconfigureIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("reconfigure").onEngine("rocksdb").reconfiguring().run(List.of(KILL_REPLICA, ISOLATE_GROUP_LEADER,
                PAUSE_GROUP_LEADER, DISCONNECT_NODE, KILL_GROUP, RANDOM_HALVES));
    }
}
