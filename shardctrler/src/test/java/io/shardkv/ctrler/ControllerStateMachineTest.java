package io.shardkv.ctrler;

import io.shardkv.raft.core.SnapshotBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ControllerStateMachineTest {

    private final ControllerStateMachine sm = new ControllerStateMachine(10);
    private long index;

    private CtrlerResponse apply(CtrlerRequest r) {
        return ControllerCodec.decodeReply(sm.apply(++index, 0, ControllerCodec.encodeCommand(r)));
    }

    private static Map<Integer, List<String>> groups(int... gids) {
        Map<Integer, List<String>> m = new TreeMap<>();
        for (int g : gids) {
            m.put(g, List.of("g" + g + "-a:1", "g" + g + "-b:1"));
        }
        return m;
    }

    private void assertRefused(CtrlerRequest r, String why) {
        long before = sm.latest().num();
        CtrlerResponse response = apply(r);
        assertEquals(CtrlerStatus.BAD_REQUEST, response.status());
        assertTrue(response.message().contains(why), response.message());
        assertEquals(before, sm.latest().num(), "a refused change must not create a configuration");
    }

    @Test
    void configurationZeroHasNoGroups() {
        Config zero = sm.config(0);
        assertEquals(0, zero.num());
        assertTrue(zero.groups().isEmpty());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), zero.shardsOf(Config.NO_GROUP));
    }

    @Test
    void badChangesAreRefusedWithTheReason() {
        apply(CtrlerRequest.join(1, 1, 1, groups(1)));
        assertRefused(CtrlerRequest.join(1, 2, 2, groups(1)), "already joined");
        assertRefused(CtrlerRequest.join(1, 3, 3, groups(0)), "must be > 0");
        assertRefused(CtrlerRequest.join(1, 4, 4, Map.of(5, List.of())), "has no servers");
        assertRefused(CtrlerRequest.join(1, 5, 5, Map.of()), "names no group");
        assertRefused(CtrlerRequest.leave(1, 6, 6, List.of(7)), "not in the configuration");
        assertRefused(CtrlerRequest.leave(1, 7, 7, List.of(1, 1)), "named twice");
        assertRefused(CtrlerRequest.leave(1, 8, 8, List.of()), "names no group");
        assertRefused(CtrlerRequest.move(1, 9, 9, 10, 1), "out of range");
        assertRefused(CtrlerRequest.move(1, 10, 10, -1, 1), "out of range");
        assertRefused(CtrlerRequest.move(1, 11, 11, 3, 9), "not in the configuration");
    }

    @Test
    void queriesByNumberAndLatest() {
        apply(CtrlerRequest.join(1, 1, 1, groups(1)));
        apply(CtrlerRequest.join(1, 2, 2, groups(2)));
        assertEquals(2, sm.config(-1).num());
        assertEquals(2, sm.config(99).num());
        assertEquals(1, sm.config(1).num());
        assertEquals(groups(1).keySet(), sm.config(1).groups().keySet());
        CtrlerResponse viaQuery = ControllerCodec.decodeReply(sm.query(ControllerCodec.encodeQuery(1)));
        assertEquals(sm.config(1), viaQuery.config());
    }

    @Test
    void newServersOfAGroupMoveNoShard() {
        Config joined = apply(CtrlerRequest.join(1, 1, 1, groups(1, 2))).config();
        Config moved = apply(CtrlerRequest.move(1, 2, 2, 0, 2)).config();
        Config renamed = apply(CtrlerRequest.servers(1, 3, 3, Map.of(1, List.of("g1-a:1", "g1-new:1")))).config();
        assertEquals(moved.num() + 1, renamed.num());
        for (int shard = 0; shard < 10; shard++) {
            assertEquals(moved.groupOf(shard), renamed.groupOf(shard), "shard " + shard);
        }
        assertEquals(List.of("g1-a:1", "g1-new:1"), renamed.groups().get(1));
        assertEquals(joined.groups().get(2), renamed.groups().get(2));
        assertRefused(CtrlerRequest.servers(1, 4, 4, Map.of(9, List.of("x:1"))), "not in the configuration");
        assertRefused(CtrlerRequest.servers(1, 5, 5, Map.of(1, List.of())), "would have no servers");
        assertRefused(CtrlerRequest.servers(1, 6, 6, Map.of()), "names no group");
    }

    @Test
    void moveOverridesUntilTheNextRebalance() {
        apply(CtrlerRequest.join(1, 1, 1, groups(1, 2)));
        Config moved = apply(CtrlerRequest.move(1, 2, 2, 0, 2)).config();
        assertEquals(2, moved.groupOf(0));
        Config rebalanced = apply(CtrlerRequest.join(1, 3, 3, groups(3))).config();
        assertTrue(Rebalancer.balanced(rebalanced));
    }

    @Test
    void snapshotsRestoreEveryConfigurationAndRefuseAnotherShardCount() throws IOException {
        apply(CtrlerRequest.join(1, 1, 1, groups(1, 2)));
        apply(CtrlerRequest.leave(1, 2, 2, List.of(1)));
        ControllerStateMachine copy = new ControllerStateMachine(10);
        copy.restore(new ByteArrayInputStream(SnapshotBytes.write(sm.snapshot())));
        for (long n = 0; n <= sm.latest().num(); n++) {
            assertEquals(sm.config(n), copy.config(n));
        }
        assertThrows(IllegalStateException.class, () -> new ControllerStateMachine(64).restore(new ByteArrayInputStream(SnapshotBytes.write(sm.snapshot()))));
    }

    /** The closing-note table: moves made for join/leave sequences against the minimum possible. */
    @Test
    void movesMadeEqualTheMinimumForTypicalSequences() {
        for (int shards : new int[] {10, 64}) {
            ControllerStateMachine c = new ControllerStateMachine(shards);
            List<CtrlerRequest> steps = List.of(
                    CtrlerRequest.join(1, 1, 1, groups(1)),
                    CtrlerRequest.join(1, 2, 2, groups(2)),
                    CtrlerRequest.join(1, 3, 3, groups(3)),
                    CtrlerRequest.join(1, 4, 4, groups(4, 5)),
                    CtrlerRequest.leave(1, 5, 5, List.of(1)),
                    CtrlerRequest.leave(1, 6, 6, List.of(3, 4)),
                    CtrlerRequest.join(1, 7, 7, groups(6, 7, 8)),
                    CtrlerRequest.leave(1, 8, 8, List.of(2, 5, 6, 7)));
            TreeSet<Integer> members = new TreeSet<>();
            List<String> rows = new ArrayList<>();
            long i = 0;
            for (CtrlerRequest step : steps) {
                Config before = c.latest();
                Config after = ControllerCodec.decodeReply(c.apply(++i, 0, ControllerCodec.encodeCommand(step))).config();
                members = new TreeSet<>(after.groups().keySet());
                int moved = Rebalancer.moves(before.shards(), after.shards());
                int minimum = RebalancerTest.minimumMoves(before.shards(), members);
                assertEquals(minimum, moved);
                rows.add(String.format("%s %s -> %d groups: %d moved (minimum %d)", step.op(),
                        step.op().name().equals("JOIN") ? step.joins().keySet() : step.gids(), members.size(), moved,
                        minimum));
            }
            System.out.println("moves, " + shards + " shards: " + String.join("; ", rows));
        }
    }
}
