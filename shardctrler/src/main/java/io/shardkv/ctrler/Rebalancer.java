package io.shardkv.ctrler;

import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Assigns shards to groups so that group sizes differ by at most one while moving as few shards
 * as possible from the current assignment. Deterministic: it iterates only sorted collections, so
 * every replica computes the same assignment from the same input.
 *
 * <p>With n shards and k groups every group gets ⌊n/k⌋ shards and {@code n mod k} of them one
 * more (with k &gt; n: n groups get one, the rest none). Which groups get the extra one decides
 * how many shards must move, so it goes to the groups that hold the most already (ties: lower
 * group id). Then only shards that must move do: those of groups not in the configuration, and
 * the excess of groups above their target (their highest-numbered shards); they go, lowest shard
 * first, to the groups below target, lowest group id first. No other assignment with balanced
 * sizes moves fewer shards.
 */
final class Rebalancer {

    private Rebalancer() {
    }

    static int[] rebalance(int[] current, Collection<Integer> groupIds) {
        TreeSet<Integer> groups = new TreeSet<>(groupIds);
        int n = current.length;
        int[] next = current.clone();
        if (groups.isEmpty()) {
            return new int[n];
        }
        Map<Integer, List<Integer>> owned = new TreeMap<>();
        groups.forEach(g -> owned.put(g, new ArrayList<>()));
        TreeSet<Integer> free = new TreeSet<>();
        for (int s = 0; s < n; s++) {
            List<Integer> list = owned.get(next[s]);
            if (list == null) {
                free.add(s);
            } else {
                list.add(s);
            }
        }
        Map<Integer, Integer> target = targets(owned, n);
        for (Map.Entry<Integer, List<Integer>> e : owned.entrySet()) {
            List<Integer> shards = e.getValue();
            while (shards.size() > target.get(e.getKey())) {
                free.add(shards.remove(shards.size() - 1));
            }
        }
        for (Map.Entry<Integer, List<Integer>> e : owned.entrySet()) {
            List<Integer> shards = e.getValue();
            while (shards.size() < target.get(e.getKey())) {
                shards.add(free.pollFirst());
            }
        }
        for (Map.Entry<Integer, List<Integer>> e : owned.entrySet()) {
            for (int s : e.getValue()) {
                next[s] = e.getKey();
            }
        }
        return next;
    }

    /** How many shards each group should end with: the extra ones go to the biggest holders. */
    private static Map<Integer, Integer> targets(Map<Integer, List<Integer>> owned, int n) {
        int k = owned.size();
        List<Integer> byHoldings = new ArrayList<>(owned.keySet());
        byHoldings.sort(Comparator.comparingInt((Integer g) -> -owned.get(g).size()).thenComparingInt(g -> g));
        Map<Integer, Integer> target = new TreeMap<>();
        for (int rank = 0; rank < k; rank++) {
            int t = k > n ? (rank < n ? 1 : 0) : n / k + (rank < n % k ? 1 : 0);
            target.put(byHoldings.get(rank), t);
        }
        return target;
    }

    /** Shards whose group differs between two assignments. */
    static int moves(int[] before, int[] after) {
        int moved = 0;
        for (int s = 0; s < before.length; s++) {
            if (before[s] != after[s]) {
                moved++;
            }
        }
        return moved;
    }

    /** Checks the balance invariant of {@code config}: sizes of member groups differ by at most one. */
    static boolean balanced(Config config) {
        if (config.groups().isEmpty()) {
            return true;
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int gid : config.groups().keySet()) {
            int size = config.shardsOf(gid).size();
            min = Math.min(min, size);
            max = Math.max(max, size);
        }
        return max - min <= 1 && config.shardsOf(Config.NO_GROUP).isEmpty();
    }
}
