package io.shardkv.group;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import java.util.ArrayList;
import java.util.List;

/**
 * What a shard group replicates: the configuration it has reached, the shards it holds, the
 * holder of every shard, and the deletions it owes. Plain data: {@link ShardGroupStateMachine}
 * changes it by the rules of the configuration walk and the migration, {@link GroupSnapshot}
 * writes and reads it, {@link PullAnswers} reads frozen shards from it. Node thread only.
 */
final class GroupState {

    /** Who holds a shard's data and since which configuration it is frozen there. */
    record Holder(int gid, List<String> servers, long handoff) {
    }

    final int gid;
    final int numShards;
    Config config;
    /** By shard; null where this group holds nothing of it. */
    final Shard[] shards;
    /** By shard; null while nobody ever held it. Kept for every shard, owned here or not. */
    final Holder[] holders;
    /** Deletions this group owes previous holders of shards it installed, in the order installed. */
    final List<ShardGroupStateMachine.GcTask> deletions = new ArrayList<>();

    GroupState(int gid, int numShards) {
        this.gid = gid;
        this.numShards = numShards;
        this.config = Config.initial(numShards);
        this.shards = new Shard[numShards];
        this.holders = new Holder[numShards];
    }

    /** What this group holds of {@code shard}; null if nothing, or if there is no such shard. */
    Shard shard(int shard) {
        return shard >= 0 && shard < numShards ? shards[shard] : null;
    }

    /** What this group holds of {@code key}'s shard, or null. */
    Shard shardOf(byte[] key) {
        return shards[Shards.shardOf(key, numShards)];
    }
}
