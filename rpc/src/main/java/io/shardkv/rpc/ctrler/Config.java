package io.shardkv.rpc.ctrler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One configuration of the sharded store: which replica group serves each shard, and where each
 * group's servers are. Configurations are numbered from 0; configuration 0 has no groups and every
 * shard at group 0 ("no group"). Immutable.
 *
 * @param num    the configuration's number
 * @param shards {@code shards[s]} is the group serving shard s, 0 if none
 * @param groups group id → its servers' addresses ({@code host:port}), sorted by group id
 */
public record Config(long num, int[] shards, SortedMap<Integer, List<String>> groups) {

    /** Group id meaning "no group". Never a real group's id. */
    public static final int NO_GROUP = 0;

    public Config {
        if (num < 0) {
            throw new IllegalArgumentException("config num must be >= 0, was " + num);
        }
        if (shards.length == 0) {
            throw new IllegalArgumentException("a configuration needs at least one shard, got none");
        }
        shards = shards.clone();
        TreeMap<Integer, List<String>> copy = new TreeMap<>();
        groups.forEach((gid, servers) -> {
            if (gid == NO_GROUP || gid < 0) {
                throw new IllegalArgumentException("group id must be > 0, was " + gid);
            }
            copy.put(gid, List.copyOf(servers));
        });
        groups = Collections.unmodifiableSortedMap(copy);
        for (int s = 0; s < shards.length; s++) {
            if (shards[s] != NO_GROUP && !groups.containsKey(shards[s])) {
                throw new IllegalArgumentException("shard " + s + " is assigned to group " + shards[s]
                        + ", which is not in the configuration");
            }
        }
    }

    /** Configuration 0: {@code numShards} shards, no groups. */
    public static Config initial(int numShards) {
        return new Config(0, new int[numShards], new TreeMap<>());
    }

    public int numShards() {
        return shards.length;
    }

    /** The group serving {@code shard}, or {@link #NO_GROUP}. */
    public int groupOf(int shard) {
        return shards[shard];
    }

    @Override
    public int[] shards() {
        return shards.clone();
    }

    /** The shards {@code gid} serves, ascending. */
    public List<Integer> shardsOf(int gid) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < shards.length; s++) {
            if (shards[s] == gid) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && num == c.num && Arrays.equals(shards, c.shards) && groups.equals(c.groups);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(num) + Arrays.hashCode(shards)) + groups.hashCode();
    }

    @Override
    public String toString() {
        return "Config{" + num + ", shards=" + Arrays.toString(shards) + ", groups=" + groups + "}";
    }

    /** Copies with the given number, assignment and groups (validated). */
    public Config next(int[] newShards, Map<Integer, List<String>> newGroups) {
        return new Config(num + 1, newShards, new TreeMap<>(newGroups));
    }
}
