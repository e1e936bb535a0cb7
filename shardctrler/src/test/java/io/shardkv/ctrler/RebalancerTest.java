package io.shardkv.ctrler;

import io.shardkv.raft.core.SnapshotBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of rebalancing over random sequences of joins, leaves and moves: balance, the minimum
 * number of moves (against a brute-force lower bound), moves only to joining / from leaving groups
 * when starting balanced, and determinism.
 */
class RebalancerTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    /**
     * The fewest moves any balanced assignment needs, by trying every choice of which groups get
     * the extra shard: shards of non-members must move, and every group above its target must shed
     * the excess.
     */
    static int minimumMoves(int[] current, TreeSet<Integer> groups) {
        int n = current.length;
        if (groups.isEmpty()) {
            int held = 0;
            for (int g : current) {
                held += g != Config.NO_GROUP ? 1 : 0;
            }
            return held;
        }
        List<Integer> gids = new ArrayList<>(groups);
        int k = gids.size();
        int[] counts = new int[k];
        int free = 0;
        for (int g : current) {
            int i = gids.indexOf(g);
            if (i < 0) {
                free++;
            } else {
                counts[i]++;
            }
        }
        int extra = k > n ? n : n % k;
        int base = k > n ? 0 : n / k;
        int best = Integer.MAX_VALUE;
        for (int mask = 0; mask < (1 << k); mask++) {
            if (Integer.bitCount(mask) != extra) {
                continue;
            }
            int shed = 0;
            for (int i = 0; i < k; i++) {
                int target = base + ((mask >> i) & 1);
                shed += Math.max(0, counts[i] - target);
            }
            best = Math.min(best, free + shed);
        }
        return best;
    }

    /**
     * The same minimum in closed form: every group above ⌊n/k⌋ may keep one of its excess shards,
     * but only {@code n mod k} groups can. Cheap enough for any number of groups.
     */
    static int minimumMovesClosedForm(int[] current, TreeSet<Integer> groups) {
        int n = current.length;
        int k = groups.size();
        int free = 0;
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int g : current) {
            if (groups.contains(g)) {
                counts.merge(g, 1, Integer::sum);
            } else if (k > 0 || g != Config.NO_GROUP) {
                free++;
            }
        }
        if (k == 0) {
            return free;
        }
        int base = k > n ? 0 : n / k;
        int extra = k > n ? n : n % k;
        int shed = 0;
        int above = 0;
        for (int c : counts.values()) {
            shed += Math.max(0, c - base);
            above += c > base ? 1 : 0;
        }
        return free + shed - Math.min(extra, above);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomSequencesStayBalancedAndMoveTheMinimum(long seed) {
        Random random = new Random(seed);
        int n = random.nextBoolean() ? 10 : 1 + random.nextInt(64);
        ControllerStateMachine a = new ControllerStateMachine(n);
        ControllerStateMachine b = new ControllerStateMachine(n);
        TreeSet<Integer> members = new TreeSet<>();
        int nextGid = 1;
        boolean balancedBefore = true;
        for (int step = 0; step < 40; step++) {
            Config before = a.latest();
            int dice = random.nextInt(10);
            boolean move = dice >= 8 && !members.isEmpty();
            // At most 12 groups, so the brute-force minimum (2^k choices) stays cheap.
            boolean join = !move && (dice < 5 || members.size() < 2) && members.size() < 12;
            byte[] command;
            TreeSet<Integer> after = new TreeSet<>(members);
            if (join) {
                TreeMap<Integer, List<String>> joins = new TreeMap<>();
                int count = 1 + random.nextInt(Math.min(3, 12 - members.size()));
                for (int i = 0; i < count; i++) {
                    joins.put(nextGid, List.of("s" + nextGid));
                    after.add(nextGid++);
                }
                command = ControllerCodec.encodeCommand(CtrlerRequest.join(1, 1, 1, joins));
            } else if (!move) {
                List<Integer> leaving = new ArrayList<>();
                for (int gid : members) {
                    if (random.nextInt(3) == 0) {
                        leaving.add(gid);
                    }
                }
                if (leaving.isEmpty()) {
                    leaving.add(members.first());
                }
                after.removeAll(leaving);
                command = ControllerCodec.encodeCommand(CtrlerRequest.leave(1, 1, 1, leaving));
            } else {
                int gid = new ArrayList<>(members).get(random.nextInt(members.size()));
                command = ControllerCodec.encodeCommand(CtrlerRequest.move(1, 1, 1, random.nextInt(n), gid));
            }
            a.apply(step + 1, 0, command);
            b.apply(step + 1, 0, command);
            Config next = a.latest();
            assertEquals(before.num() + 1, next.num(), "every accepted change makes one configuration");
            assertEquals(next, b.latest(), "replicas fed the same commands must agree (seed " + seed + ")");
            if (move) {
                balancedBefore = Rebalancer.balanced(next);
            } else {
                assertTrue(Rebalancer.balanced(next), "unbalanced after step " + step + ": " + next);
                int moved = Rebalancer.moves(before.shards(), next.shards());
                assertEquals(minimumMoves(before.shards(), after), moved,
                        "not minimal at step " + step + " (seed " + seed + "): " + before + " -> " + next);
                assertEquals(minimumMoves(before.shards(), after), minimumMovesClosedForm(before.shards(), after),
                        "the closed-form minimum disagrees with the brute-force one");
                if (balancedBefore) {
                    checkOnlyNecessaryGroupsGainOrLose(before, next, members, after);
                }
                balancedBefore = true;
            }
            members = after;
        }
        assertArrayEquals(SnapshotBytes.write(a.snapshot()), SnapshotBytes.write(b.snapshot()));
    }

    /** From a balanced start, a join only gives shards to joiners and a leave only takes from leavers. */
    private static void checkOnlyNecessaryGroupsGainOrLose(Config before, Config after, TreeSet<Integer> oldMembers,
                                                           TreeSet<Integer> newMembers) {
        for (int s = 0; s < before.numShards(); s++) {
            int from = before.groupOf(s);
            int to = after.groupOf(s);
            if (from == to) {
                continue;
            }
            boolean toJoiner = !oldMembers.contains(to);
            boolean fromLeaver = !newMembers.contains(from);
            assertTrue(toJoiner || fromLeaver, "shard " + s + " moved from " + from + " to " + to
                    + " though neither joined nor left: " + before + " -> " + after);
        }
    }

    @Test
    void moreGroupsThanShardsLeavesTheExtrasEmptyUntilOthersLeave() {
        ControllerStateMachine sm = new ControllerStateMachine(3);
        TreeMap<Integer, List<String>> joins = new TreeMap<>();
        for (int gid = 1; gid <= 5; gid++) {
            joins.put(gid, List.of("s" + gid));
        }
        sm.apply(1, 0, ControllerCodec.encodeCommand(CtrlerRequest.join(1, 1, 1, joins)));
        Config c = sm.latest();
        assertEquals(3, c.groups().keySet().stream().filter(g -> c.shardsOf(g).size() == 1).count());
        int holder = c.groupOf(0);
        sm.apply(2, 0, ControllerCodec.encodeCommand(CtrlerRequest.leave(1, 2, 2, List.of(holder))));
        Config after = sm.latest();
        assertTrue(Rebalancer.balanced(after));
        assertEquals(1, Rebalancer.moves(c.shards(), after.shards()), "only the leaver's shard moves");
    }
}
