package io.shardkv.group;

import io.shardkv.group.engine.ShardData;
import io.shardkv.kv.Key;
import io.shardkv.raft.rsm.SessionTable;
import java.util.List;

/**
 * One shard a group holds: its data (in key order, so a handed-off shard can be sent in chunks
 * from any point; {@link ShardData}), the exactly-once table of its clients, and where it stands
 * in a migration.
 */
final class Shard {

    ShardState state;
    /**
     * PULLING: the configuration at which the previous holder froze the shard; OUTGOING: the
     * configuration at which this group did.
     */
    long handoff;
    /** PULLING: the previous holder; OUTGOING: the new owner ({@code NO_GROUP} if none). */
    int peer;
    List<String> peerServers = List.of();
    /** PULLING: the last key installed so far (null: none yet). */
    Key pullCursor;
    /** The shard's keys and values, kept by the group's engine. */
    final ShardData data;
    final SessionTable sessions;

    Shard(ShardState state, SessionTable sessions, ShardData data) {
        this.state = state;
        this.sessions = sessions;
        this.data = data;
    }

    /** Served to clients: its data is complete and this group owns it. */
    boolean serving() {
        return state == ShardState.SERVING;
    }
}
