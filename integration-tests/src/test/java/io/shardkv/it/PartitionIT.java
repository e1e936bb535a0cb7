package io.shardkv.it;

import static io.shardkv.it.Nemesis.DISCONNECT_NODE;
import static io.shardkv.it.Nemesis.ISOLATE_CONTROLLER_LEADER;
import static io.shardkv.it.Nemesis.ISOLATE_GROUP_LEADER;
import static io.shardkv.it.Nemesis.RANDOM_HALVES;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Partitions: one node off the network, random halves, a group leader and the controller leader cut off. */
class PartitionIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("partition").run(List.of(DISCONNECT_NODE, RANDOM_HALVES, ISOLATE_GROUP_LEADER,
                ISOLATE_CONTROLLER_LEADER));
    }
}
