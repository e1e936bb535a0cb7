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
    private TreeMap<Key, byte[]> data = new TreeMap<>();
    /** A snapshot being written still reads {@link #data}: the next change copies it first. */
    private boolean dataShared;
    final SessionTable sessions;

    Shard(ShardState state, SessionTable sessions) {
        this.state = state;
        this.sessions = sessions;
    }

    /** The data, for reading on the node's thread. */
    TreeMap<Key, byte[]> data() {
        return data;
    }

    /**
     * The data, for changing: copied first if a snapshot captured it (the copy shares keys and
     * values, which are never changed in place; it costs one tree node per key, once per shard per
     * snapshot, and only for shards written to while the snapshot is being written).
     */
    TreeMap<Key, byte[]> mutableData() {
        if (dataShared) {
            data = new TreeMap<>(data);
            dataShared = false;
        }
        return data;
    }

    /** The data as of now, for a snapshot to read on another thread: from now on it is never changed. */
    TreeMap<Key, byte[]> captureData() {
        dataShared = true;
        return data;
    }

    /** Served to clients: its data is complete and this group owns it. */
    boolean serving() {
        return state == ShardState.SERVING;
    }
}
