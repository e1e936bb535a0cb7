package io.shardkv.raft.core;

import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which configuration is in force at each point of one node's log. A configuration takes effect when
 * its entry is in the log, committed or not (dissertation §4.1), so the latest one is the node's
 * configuration, and removing entries from the end — a follower truncating a conflicting suffix —
 * brings back the one before. The base is the configuration at the snapshot (or the bootstrap
 * configuration of a log that starts at index 1).
 */
final class ConfigHistory {

    private MembershipConfig base;
    private long baseIndex;
    /** Configuration entries after {@code baseIndex}, by index. */
    private final TreeMap<Long, MembershipConfig> changes = new TreeMap<>();

    ConfigHistory(MembershipConfig base, long baseIndex) {
        this.base = base;
        this.baseIndex = baseIndex;
    }

    /** The configuration the latest entry is under. */
    MembershipConfig current() {
        return changes.isEmpty() ? base : changes.lastEntry().getValue();
    }

    /** Index of the latest configuration entry, or the base index if the log after it holds none. */
    long currentIndex() {
        return changes.isEmpty() ? baseIndex : changes.lastKey();
    }

    /** The configuration in force at {@code index}, which must not precede the base. */
    MembershipConfig at(long index) {
        if (index < baseIndex) {
            throw new IllegalArgumentException("configuration at " + index + " precedes the snapshot at " + baseIndex);
        }
        Map.Entry<Long, MembershipConfig> e = changes.floorEntry(index);
        return e == null ? base : e.getValue();
    }

    void appended(Entry e) {
        if (e.kind() == Entry.Kind.CONFIG) {
            changes.put(e.index(), MembershipCodec.decode(e.data()));
        }
    }

    /** Entries from {@code index} on were removed from the log. */
    void truncatedFrom(long index) {
        changes.tailMap(index, true).clear();
    }

    /** The log now starts after {@code index}: what was in force there becomes the base. */
    void compactedTo(long index) {
        base = at(index);
        baseIndex = index;
        changes.headMap(index, true).clear();
    }

    /** The log was replaced by a snapshot at {@code index} under {@code config}. */
    void restored(long index, MembershipConfig config) {
        base = config;
        baseIndex = index;
        changes.clear();
    }
}
