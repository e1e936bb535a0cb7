package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.kv.KvRequest;
import java.util.List;
import java.util.Map;

/**
 * What a shard group writes into its log. Every command is checked against the state when it is
 * applied, so a duplicate or stale one (a retry, a proposal by a deposed leader) is a no-op.
 */
sealed interface GroupCommand {

    /** Move to the next configuration ({@code config.num()} must be one past the current). */
    record NextConfig(Config config) implements GroupCommand {
    }

    /** A client's write, with the session coordinates that make it exactly-once within its shard. */
    record ClientWrite(KvRequest request) implements GroupCommand {
    }

    /**
     * Entries of a shard being pulled, in key order after {@code from} (null: from the start); on
     * the {@code last} chunk also the shard's session table.
     */
    record InstallChunk(long configNum, int shard, long handoff, Key from, List<Map.Entry<Key, byte[]>> entries,
                        boolean last, byte[] sessions) implements GroupCommand {
    }

    /** The previous holder deleted the shard: stop telling it to. */
    record GcDone(int shard, long handoff) implements GroupCommand {
    }

    /** Delete a shard this group handed off at {@code handoff}: its new owner has installed it. */
    record DeleteShard(int shard, long handoff) implements GroupCommand {
    }
}
