package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/** Test state machine: remembers every command applied, in order; readable from any thread. */
final class RecordingApplier implements Applier {

    private final List<Entry> applied = new ArrayList<>();
    private long snapshotIndex;

    @Override
    public synchronized void apply(Entry entry) {
        long expected = lastIndex() + 1;
        if (entry.index() != expected) {
            throw new AssertionError("applied " + entry.index() + " where " + expected + " was expected");
        }
        applied.add(entry);
    }

    @Override
    public synchronized void restore(Snapshot snapshot) {
        applied.clear();
        snapshotIndex = snapshot.index();
    }

    synchronized long lastIndex() {
        return applied.isEmpty() ? snapshotIndex : applied.get(applied.size() - 1).index();
    }

    synchronized List<Entry> applied() {
        return List.copyOf(applied);
    }
}
