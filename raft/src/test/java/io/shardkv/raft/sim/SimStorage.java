package io.shardkv.raft.sim;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's durable storage: only what a completed write made durable survives a crash. A crash
 * during a write may leave any prefix of that write's entries (a torn tail) but never its hard
 * state, mirroring a write-ahead log that appends entries before the hard-state record.
 */
final class SimStorage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** Makes {@code rd} durable; {@code received} is its snapshot with the spooled bytes, or null. */
    void persist(Ready rd, Snapshot received) {
        if (received != null) {
            // An installed snapshot replaces the whole log (Ready contract).
            snapshot = received;
            entries.clear();
        }
        writeEntries(rd.entries());
        if (rd.hardState() != null) {
            hardState = rd.hardState();
        }
    }

    /** What survives a crash in the middle of writing {@code rd}: its first {@code count} entries. */
    void persistTorn(Ready rd, int count) {
        if (rd.snapshot() == null) {
            writeEntries(rd.entries().subList(0, count));
        }
    }

    /** The state machine captured everything up to {@code snap.index()}; drop what it covers. */
    void compact(Snapshot snap) {
        long drop = snap.index() - snapshotIndex();
        entries.subList(0, (int) Math.min(drop, entries.size())).clear();
        snapshot = snap;
    }

    private void writeEntries(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).index();
        if (first <= snapshotIndex()) {
            throw new SimulationFailure("write of entry " + first + " into the range covered by snapshot "
                    + snapshotIndex());
        }
        long keep = first - snapshotIndex() - 1;
        if (keep > entries.size()) {
            throw new SimulationFailure("write of entry " + first + " leaves a gap after " + lastIndex());
        }
        entries.subList((int) keep, entries.size()).clear();
        entries.addAll(batch);
    }

    long snapshotIndex() {
        return snapshot == null ? 0 : snapshot.index();
    }

    long lastIndex() {
        return snapshotIndex() + entries.size();
    }

    long termAt(long index) {
        if (index == snapshotIndex()) {
            return snapshot == null ? 0 : snapshot.term();
        }
        if (index < snapshotIndex() || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - snapshotIndex() - 1)).term();
    }

    Snapshot snapshot() {
        return snapshot;
    }

    HardState hardState() {
        return hardState;
    }

    DurableState durableState() {
        return new DurableState(hardState, snapshot, entries);
    }

    /** Size of the persisted Raft state excluding the snapshot (the lab's RaftStateSize). */
    long raftStateBytes() {
        long total = 24;
        for (Entry e : entries) {
            total += e.sizeBytes();
        }
        return total;
    }

    long snapshotBytes() {
        return snapshot == null ? 0 : snapshot.data().size();
    }
}
