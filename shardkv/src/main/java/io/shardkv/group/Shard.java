package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.raft.rsm.SessionTable;
import java.util.List;
import java.util.TreeMap;

/**
 * One shard a group holds: its data (in key order, so a handed-off shard can be sent in chunks
 * from any point), the exactly-once table of its clients, and where it stands in a migration.
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
    final TreeMap<Key, byte[]> data = new TreeMap<>();
    final SessionTable sessions;

    Shard(ShardState state, SessionTable sessions) {
        this.state = state;
        this.sessions = sessions;
    }

    /** Served to clients: its data is complete and this group owns it. */
    boolean serving() {
        return state == ShardState.SERVING;
    }
}
