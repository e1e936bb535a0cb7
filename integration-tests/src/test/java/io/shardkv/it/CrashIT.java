package io.shardkv.it;

import static io.shardkv.it.Nemesis.KILL_GROUP;
import static io.shardkv.it.Nemesis.KILL_REPLICA;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Crashes: SIGKILL of a replica, of a whole shard group, each restarted on its data. */
class CrashIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("crash").run(List.of(KILL_REPLICA, KILL_GROUP, KILL_REPLICA));
    }
}
