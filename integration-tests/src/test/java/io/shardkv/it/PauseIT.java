package io.shardkv.it;

import static io.shardkv.it.Nemesis.PAUSE_CONTROLLER_LEADER;
import static io.shardkv.it.Nemesis.PAUSE_GROUP_LEADER;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pauses: a group leader and the controller leader frozen past an election timeout, then resumed (a stale leader must neither serve stale reads nor lose writes). */
class PauseIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("pause").run(List.of(PAUSE_GROUP_LEADER, PAUSE_CONTROLLER_LEADER, PAUSE_GROUP_LEADER));
    }
}
