package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.kv.KvRequest;

/**
 * What a shard group writes into its log ({@link GroupCodec} has the bytes). Every command is
 * checked against the state when it is applied, so a duplicate or stale one (a retry, a proposal
 * by a deposed leader) is a no-op.
 */
sealed interface GroupCommand {

    /** Move to the next configuration ({@code config.num()} must be one past the current). */
    record NextConfig(Config config) implements GroupCommand {
    }

    /** A client's write, with the session coordinates that make it exactly-once within its shard. */
    record ClientWrite(KvRequest request) implements GroupCommand {
    }

    /**
     * A chunk of a shard being pulled, frozen at {@code handoff} by its previous holder: entries in
     * key order after {@code from} (null: from the start), on the last chunk also the shard's
     * session table. Applied only at configuration {@code configNum}.
     */
    record InstallChunk(long configNum, int shard, long handoff, Key from, PullAnswer.Chunk chunk)
            implements GroupCommand {
    }

    /** The previous holder deleted the shard: stop telling it to. */
    record GcDone(int shard, long handoff) implements GroupCommand {
    }

    /** Delete a shard this group handed off at {@code handoff}: its new owner has installed it. */
    record DeleteShard(int shard, long handoff) implements GroupCommand {
    }
}
