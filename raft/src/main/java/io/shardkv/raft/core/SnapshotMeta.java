package io.shardkv.raft.core;

import java.util.List;

/**
 * Describes what a snapshot replaces: every entry up to and including {@code index}
 * (whose term was {@code term}), under the voter set {@code voters}.
 */
public record SnapshotMeta(long index, long term, List<Integer> voters) {

    public SnapshotMeta {
        if (index < 1) {
            throw new IllegalArgumentException("snapshot index must be >= 1, was " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("snapshot term must be >= 1, was " + term);
        }
        voters = List.copyOf(voters);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("snapshot voters must not be empty");
        }
    }
}
