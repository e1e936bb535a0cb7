package io.shardkv.rpc.migration;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A shard-group replica's answer to {@link ShardStatusRequest}.
 *
 * @param gid       the group it is a replica of
 * @param configNum the configuration it has applied
 * @param settled   nothing to pull and nothing waiting to be pulled from it
 * @param states    the state of every shard it holds ({@code SERVING}, {@code PULLING}, {@code OUTGOING}), by shard
 * @param keys      keys of every shard it holds, by shard
 * @param migratedBytes shard data this replica pulled in while it led, since it started
 */
public record ShardStatusReport(int gid, long configNum, boolean settled, SortedMap<Integer, String> states,
                                SortedMap<Integer, Integer> keys, long migratedBytes) {

    public ShardStatusReport {
        if (gid < 1) {
            throw new IllegalArgumentException("group id " + gid + " must be >= 1");
        }
        if (configNum < 0 || migratedBytes < 0) {
            throw new IllegalArgumentException("configuration " + configNum + " or migrated bytes " + migratedBytes
                    + " is negative");
        }
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(keys, "keys");
        if (!states.keySet().equals(keys.keySet())) {
            throw new IllegalArgumentException("states for shards " + states.keySet() + " but keys for " + keys.keySet());
        }
        if (!states.isEmpty() && states.firstKey() < 0 || keys.values().stream().anyMatch(n -> n == null || n < 0)) {
            throw new IllegalArgumentException("negative shard or key count in " + keys);
        }
        states = Collections.unmodifiableSortedMap(new TreeMap<>(states));
        keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
    }
}
