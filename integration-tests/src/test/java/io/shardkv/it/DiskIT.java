package io.shardkv.it;

import static io.shardkv.it.Nemesis.TORN_WAL_TAIL;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Disk: replicas restarted after SIGKILL with a few bytes torn off their newest WAL segment recover and rejoin. */
class DiskIT {

    @Test
    void historiesStayLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
        NemesisRun.named("disk").run(List.of(TORN_WAL_TAIL, TORN_WAL_TAIL, TORN_WAL_TAIL));
    }
}
