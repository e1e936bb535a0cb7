package io.shardkv.raft.core;

import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.List;
import java.util.Objects;

/**
 * Describes what a snapshot replaces: every entry up to and including {@code index} (whose term
 * was {@code term}), and the group's configuration as of that entry.
 */
public record SnapshotMeta(long index, long term, MembershipConfig config) {

    public SnapshotMeta {
        if (index < 1) {
            throw new IllegalArgumentException("snapshot index must be >= 1, was " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("snapshot term must be >= 1, was " + term);
        }
        Objects.requireNonNull(config, "config");
        if (config.isEmpty()) {
            throw new IllegalArgumentException("a snapshot's configuration must have voters");
        }
    }

    /** A snapshot of a group of {@code voters} only. */
    public SnapshotMeta(long index, long term, List<Integer> voters) {
        this(index, term, MembershipConfig.ofVoters(voters));
    }
}
