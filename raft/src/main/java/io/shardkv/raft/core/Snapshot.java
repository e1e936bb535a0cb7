package io.shardkv.raft.core;

import java.util.Objects;

/**
 * A state machine image covering the log up to {@code meta.index()}. The data is opaque to Raft
 * and immutable.
 */
public record Snapshot(SnapshotMeta meta, SnapshotData data) {

    public Snapshot {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(data, "data");
    }

    public long index() {
        return meta.index();
    }

    public long term() {
        return meta.term();
    }

    @Override
    public String toString() {
        return "Snapshot{" + meta.index() + "@" + meta.term() + " " + data.size() + "B}";
    }
}
