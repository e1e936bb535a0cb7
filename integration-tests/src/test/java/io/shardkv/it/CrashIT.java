package io.shardkv.it;

import static io.shardkv.it.Nemesis.KILL_GROUP;
import static io.shardkv.it.Nemesis.KILL_REPLICA;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Crashes: SIGKILL of a replica, of a whole shard group, each restarted on its data — with the
 * shards' data in RocksDB, so a replica killed mid-write reopens its engine and rebuilds the state.
 */
class CrashIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("crash").onEngine("rocksdb").run(List.of(KILL_REPLICA, KILL_GROUP, KILL_REPLICA));
    }
}
