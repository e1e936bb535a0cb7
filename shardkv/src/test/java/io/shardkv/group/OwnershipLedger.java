package io.shardkv.group;

import io.shardkv.raft.sim.SimulationFailure;
import java.util.HashMap;
import java.util.Map;

/**
 * Every client write any replica of any group applies, by shard and configuration: a shard must
 * have exactly one owner per configuration — the group the configuration names — or a write could
 * land in a copy that is then lost or overwritten. Checked as each write is applied.
 */
final class OwnershipLedger {

    private record ShardAt(int shard, long configNum) {
    }

    private final Map<ShardAt, Integer> writers = new HashMap<>();
    private long writes;

    void applied(int gid, int shard, long configNum, int ownerInConfig) {
        if (ownerInConfig != gid) {
            throw new SimulationFailure("group " + gid + " applied a write to shard " + shard + " at configuration "
                    + configNum + ", which gives the shard to group " + ownerInConfig);
        }
        Integer earlier = writers.putIfAbsent(new ShardAt(shard, configNum), gid);
        if (earlier != null && earlier != gid) {
            throw new SimulationFailure("shard " + shard + " was written by groups " + earlier + " and " + gid
                    + " in configuration " + configNum);
        }
        writes++;
    }

    long writes() {
        return writes;
    }
}
