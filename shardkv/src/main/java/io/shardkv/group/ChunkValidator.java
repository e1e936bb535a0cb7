package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.raft.rsm.SessionTable;
import io.shardkv.rpc.ctrler.Shards;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether a chunk from the network may continue a pull: its bytes come from another group, and
 * a bad chunk must be refused, never make apply throw. Checked by the driver before proposing and
 * again by the state machine when applying, so a bad chunk is a no-op.
 */
final class ChunkValidator {

    private final int numShards;
    private final Supplier<SessionTable> newSessions;

    /** @param newSessions an empty session table as the group makes them, to try the last chunk's table on */
    ChunkValidator(int numShards, Supplier<SessionTable> newSessions) {
        this.numShards = numShards;
        this.newSessions = newSessions;
    }

    /**
     * Why {@code chunk} cannot continue the pull of {@code shard} after {@code from}, or null if it
     * can: keys of that shard, ascending, after {@code from}; a chunk that is not the last brings at
     * least one entry (so the pull advances); the last one's session table is well formed.
     */
    String problem(int shard, Key from, PullAnswer.Chunk chunk) {
        if (!chunk.last() && chunk.entries().isEmpty()) {
            return "an empty chunk that is not the last";
        }
        Key previous = from;
        for (Map.Entry<Key, byte[]> e : chunk.entries()) {
            if (Shards.shardOf(e.getKey().bytes(), numShards) != shard) {
                return "a key of shard " + Shards.shardOf(e.getKey().bytes(), numShards) + ", not " + shard;
            }
            if (previous != null && e.getKey().compareTo(previous) <= 0) {
                return "keys not in ascending order after the cursor";
            }
            if (e.getValue() == null) {
                return "a key without a value";
            }
            previous = e.getKey();
        }
        if (chunk.last()) {
            try {
                newSessions.get().load(chunk.sessions());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }
}
