package io.shardkv.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * What a node recovered from durable storage at start: its hard state, its latest snapshot (or
 * null) and the log entries after that snapshot, contiguous. The state machine must already hold
 * the snapshot's image; the core re-delivers the committed entries after it.
 */
public record DurableState(HardState hardState, Snapshot snapshot, List<Entry> entries) {

    public static final DurableState EMPTY = new DurableState(HardState.EMPTY, null, List.of());

    public DurableState {
        Objects.requireNonNull(hardState, "hardState");
        entries = List.copyOf(entries);
    }
}
