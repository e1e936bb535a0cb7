package io.shardkv.it;

import static io.shardkv.it.Nemesis.GROW_AND_SHRINK;
import static io.shardkv.it.Nemesis.KILL_REPLICA;
import static io.shardkv.it.Nemesis.REPLACE_CONTROLLER;
import static io.shardkv.it.Nemesis.REPLACE_REPLICA;
import static io.shardkv.it.Nemesis.ROLLING_RESTART;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Permanent change under twelve clients: shard replicas and a controller replica lost with their
 * disks and replaced by new ones ({@code admin replace}), a rolling SIGTERM restart of every
 * replica, a group grown from three voters to five and shrunk back by removing its leader, and a
 * crash. Each replacement must end with the group's voters the new set; the round's history must
 * be linearizable with every acknowledged append present exactly once.
 */
class MembershipIT {

    @Test
    void replacementsAndRollingRestartsKeepEveryHistoryLinearizable() throws Exception {
        NemesisRun.named("membership").run(List.of(REPLACE_REPLICA, ROLLING_RESTART, GROW_AND_SHRINK, REPLACE_CONTROLLER,
                KILL_REPLICA, REPLACE_REPLICA));
    }
}
