package io.shardkv.ctrler;

import static io.shardkv.ctrler.CtrlerLab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.sim.LabHarness;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shardctrler lab's scenarios (§7 of the scenario catalogue) on the simulator, with the labs'
 * 10 shards and again with 64: TestBasic's steps, TestMinimalAgain and TestMulti's steps.
 */
class CtrlerScenariosTest {

    static Stream<Arguments> cases() {
        return Stream.of(10, 64).flatMap(n -> LabHarness.seeds().mapToObj(seed -> Arguments.of(n, seed)));
    }

    private static Map<Integer, List<String>> group(int gid, String... servers) {
        return Map.of(gid, List.of(servers));
    }

    private static List<String> servers(int gid, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add("g" + gid + "-" + i + ":1");
        }
        return out;
    }

    /** TestBasic: leave/join, historical queries across restarts, move, concurrent and minimal transfers. */
    @ParameterizedTest(name = "{0} shards, seed {1}")
    @MethodSource("cases")
    void basic(int shards, long seed) {
        CtrlerLab lab = CtrlerLab.make(3, shards, 0, seed);
        SimCtrlerClerk ck = lab.clerk();

        // Basic leave/join.
        List<Config> saved = new ArrayList<>();
        saved.add(lab.query(ck, -1));
        lab.check(ck, List.of());
        lab.join(ck, group(1, "x", "y", "z"));
        lab.check(ck, List.of(1));
        saved.add(lab.query(ck, -1));
        lab.join(ck, group(2, "a", "b", "c"));
        lab.check(ck, List.of(1, 2));
        saved.add(lab.query(ck, -1));
        Config both = lab.query(ck, -1);
        assertEquals(List.of("x", "y", "z"), both.groups().get(1));
        assertEquals(List.of("a", "b", "c"), both.groups().get(2));
        lab.leave(ck, List.of(1));
        lab.check(ck, List.of(2));
        saved.add(lab.query(ck, -1));
        lab.leave(ck, List.of(2));
        saved.add(lab.query(ck, -1));

        // Historical queries, each replica in turn shut down.
        for (int s : lab.servers()) {
            lab.cluster.crash(s);
            for (Config c : saved) {
                assertEquals(c, lab.query(ck, c.num()), "historical config " + c.num() + " with server " + s + " down");
            }
            lab.cluster.start(s);
        }

        // Move.
        lab.join(ck, group(503, "x", "y", "z"));
        lab.join(ck, group(504, "a", "b", "c"));
        for (int i = 0; i < shards; i++) {
            Config before = lab.query(ck, -1);
            int target = i < shards / 2 ? 503 : 504;
            Config after = lab.move(ck, i, target);
            if (before.groupOf(i) != target) {
                assertTrue(after.num() > before.num(), "a move that changes ownership must raise the number");
            }
        }
        Config moved = lab.query(ck, -1);
        for (int i = 0; i < shards; i++) {
            assertEquals(i < shards / 2 ? 503 : 504, moved.groupOf(i), "shard " + i + " after moves");
        }
        lab.leave(ck, List.of(503));
        lab.leave(ck, List.of(504));

        // Concurrent leave/join: 10 clerks, each joins gid+1000, joins gid, leaves gid+1000.
        List<Integer> gids = new ArrayList<>();
        int[] finished = {0};
        for (int i = 0; i < 10; i++) {
            int gid = 100 + 10 * i;
            gids.add(gid);
            SimCtrlerClerk c = lab.clerk();
            c.join(group(gid + 1000, "s" + gid + "k"), j1 -> c.join(group(gid, "s" + gid),
                    j2 -> c.leave(List.of(gid + 1000), l -> finished[0]++)));
        }
        assertTrue(lab.cluster.runUntil(() -> finished[0] == 10, 60 * SECOND), "concurrent clerks finished");
        lab.check(ck, gids);

        // Minimal transfers after joins and after leaves.
        minimalJoinsThenLeaves(lab, ck, gids, List.of(11, 12, 13, 14, 15), false);
    }

    /**
     * Joins {@code extra} (one at a time, or in one call) and requires that no shard of the
     * original groups moved except to a joiner; then leaves them again and requires that shards of
     * the original groups stayed put.
     */
    private static void minimalJoinsThenLeaves(CtrlerLab lab, SimCtrlerClerk ck, List<Integer> original,
                                               List<Integer> extra, boolean oneCall) {
        Config c1 = lab.query(ck, -1);
        if (oneCall) {
            Map<Integer, List<String>> joins = new TreeMap<>();
            extra.forEach(g -> joins.put(g, servers(g, 2)));
            lab.join(ck, joins);
        } else {
            extra.forEach(g -> lab.join(ck, Map.of(g, servers(g, 2))));
        }
        List<Integer> all = new ArrayList<>(original);
        all.addAll(extra);
        Config c2 = lab.check(ck, all);
        for (int s = 0; s < lab.numShards; s++) {
            if (!extra.contains(c2.groupOf(s))) {
                assertEquals(c1.groupOf(s), c2.groupOf(s), "shard " + s + " moved between original groups on join");
            }
        }
        if (oneCall) {
            lab.leave(ck, extra);
        } else {
            extra.forEach(g -> lab.leave(ck, List.of(g)));
        }
        Config c3 = lab.check(ck, original);
        for (int s = 0; s < lab.numShards; s++) {
            if (!extra.contains(c2.groupOf(s))) {
                assertEquals(c2.groupOf(s), c3.groupOf(s), "shard " + s + " of a staying group moved on leave");
            }
        }
    }

    /** TestMinimalAgain: a join and a leave each move at most NShards/3 + 1 shards, only to/from that group. */
    @ParameterizedTest(name = "{0} shards, seed {1}")
    @MethodSource("cases")
    void minimalAgain(int shards, long seed) {
        CtrlerLab lab = CtrlerLab.make(3, shards, 0, seed);
        SimCtrlerClerk ck = lab.clerk();
        lab.join(ck, group(1, "a"));
        Config c1 = lab.join(ck, group(2, "b"));
        Config c2 = lab.join(ck, group(3, "c"));
        int changed = 0;
        for (int s = 0; s < shards; s++) {
            if (c2.groupOf(s) != 3) {
                assertEquals(c1.groupOf(s), c2.groupOf(s), "shard " + s + " moved but not to the joining group");
            }
            changed += c1.groupOf(s) != c2.groupOf(s) ? 1 : 0;
        }
        assertTrue(changed <= shards / 3 + 1, changed + " shards changed on join");
        Config c3 = lab.leave(ck, List.of(1));
        changed = 0;
        for (int s = 0; s < shards; s++) {
            if (c2.groupOf(s) != 1) {
                assertEquals(c2.groupOf(s), c3.groupOf(s), "shard " + s + " moved but was not the leaving group's");
            }
            changed += c2.groupOf(s) != c3.groupOf(s) ? 1 : 0;
        }
        assertTrue(changed <= shards / 3 + 1, changed + " shards changed on leave");
    }

    /** TestMulti: multi-group joins and leaves, concurrently, minimal, and the same config after leader loss. */
    @ParameterizedTest(name = "{0} shards, seed {1}")
    @MethodSource("cases")
    void multi(int shards, long seed) {
        CtrlerLab lab = CtrlerLab.make(3, shards, 0, seed);
        SimCtrlerClerk ck = lab.clerk();

        Map<Integer, List<String>> oneTwo = new TreeMap<>();
        oneTwo.put(1, List.of("x", "y", "z"));
        oneTwo.put(2, List.of("a", "b", "c"));
        lab.join(ck, oneTwo);
        lab.check(ck, List.of(1, 2));
        lab.join(ck, group(3, "j", "k", "l"));
        Config all = lab.check(ck, List.of(1, 2, 3));
        assertEquals(List.of("x", "y", "z"), all.groups().get(1));
        assertEquals(List.of("j", "k", "l"), all.groups().get(3));
        lab.leave(ck, List.of(1, 3));
        lab.check(ck, List.of(2));
        lab.leave(ck, List.of(2));
        lab.check(ck, List.of());

        // Concurrent multi leave/join: gids 1000..1009, each with two companions that leave again.
        List<Integer> gids = new ArrayList<>();
        int[] finished = {0};
        for (int i = 0; i < 10; i++) {
            int gid = 1000 + i;
            gids.add(gid);
            SimCtrlerClerk c = lab.clerk();
            Map<Integer, List<String>> three = new TreeMap<>();
            three.put(gid, servers(gid, 3));
            three.put(gid + 1000, servers(gid + 1000, 1));
            three.put(gid + 2000, servers(gid + 2000, 1));
            c.join(three, j -> c.leave(List.of(gid + 1000, gid + 2000), l -> finished[0]++));
        }
        assertTrue(lab.cluster.runUntil(() -> finished[0] == 10, 60 * SECOND), "concurrent clerks finished");
        lab.check(ck, gids);

        minimalJoinsThenLeaves(lab, ck, gids, List.of(11, 12, 13, 14, 15), true);

        // Same configuration after the leader is shut down; nobody may claim leadership at once.
        Config before = lab.query(ck, -1);
        int leader = lab.cluster.newestLeader();
        lab.cluster.crash(leader);
        for (int s : lab.servers()) {
            if (s != leader) {
                assertTrue(!lab.cluster.node(s).isLeader(), "server " + s + " claimed leadership at once");
            }
        }
        assertEquals(before, lab.query(ck, -1));
    }
}
