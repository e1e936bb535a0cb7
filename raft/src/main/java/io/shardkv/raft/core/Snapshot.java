package io.shardkv.raft.core;

import java.util.Objects;

/**
 * A state machine image covering the log up to {@code meta.index()}. The bytes are opaque to Raft
 * and owned by it once handed over; they must not be mutated.
 */
public record Snapshot(SnapshotMeta meta, byte[] data) {

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
        return "Snapshot{" + meta.index() + "@" + meta.term() + " " + data.length + "B}";
    }
}
