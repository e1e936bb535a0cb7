package io.shardkv.raft.core;

import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The in-memory view of one node's log: an optional snapshot covering indexes up to
 * {@code snapshotIndex}, followed by the entries after it. Tracks which suffix is not yet durable
 * ({@code stableIndex}), what is committed and what has been applied.
 *
 * <p>Invariants: {@code snapshotIndex <= applied <= committed <= lastIndex()} and
 * {@code snapshotIndex <= stableIndex <= lastIndex()}.
 */
final class RaftLog {

    /** Returned by {@link #termAt(long)} for an index outside the log. */
    static final long UNKNOWN_TERM = -1;

    private long snapshotIndex;
    private long snapshotTerm;
    /** The newest snapshot; null between receiving one from the leader and the caller storing it. */
    private Snapshot snapshot;
    /** The snapshot received from the leader whose bytes the caller holds, until it hands it back stored. */
    private SnapshotMeta received;
    private final ArrayList<Entry> entries = new ArrayList<>();

    private long committed;
    private long applied;
    private long stableIndex;
    /** A snapshot received from a leader that the caller has yet to persist and apply. */
    private SnapshotMeta unstableSnapshot;
    private final ConfigHistory configs;

    /**
     * The log recovered from disk. Its configuration is the snapshot's, or {@code bootstrap} if there
     * is no snapshot, followed by the configuration entries of {@code durableEntries}.
     */
    RaftLog(Snapshot snapshot, List<Entry> durableEntries, long commit, MembershipConfig bootstrap) {
        if (snapshot != null) {
            this.snapshot = snapshot;
            this.snapshotIndex = snapshot.index();
            this.snapshotTerm = snapshot.term();
        }
        this.configs = new ConfigHistory(snapshot != null ? snapshot.meta().config() : bootstrap, snapshotIndex);
        long expected = snapshotIndex + 1;
        long previousTerm = snapshotTerm;
        for (Entry e : durableEntries) {
            if (e.index() != expected) {
                throw new IllegalArgumentException("durable entries must be contiguous from "
                        + (snapshotIndex + 1) + ": expected index " + expected + ", found " + e.index());
            }
            if (e.term() < previousTerm) {
                throw new IllegalArgumentException("durable entry " + e.index() + " has term " + e.term()
                        + " below its predecessor's term " + previousTerm);
            }
            previousTerm = e.term();
            expected++;
            configs.appended(e);
        }
        entries.addAll(durableEntries);
        // A commit index beyond the log means the disk lost entries it had made durable; what is
        // left is still a prefix of the committed log, and a leader resends the rest.
        this.committed = Math.max(Math.min(commit, lastIndex()), snapshotIndex);
        this.applied = snapshotIndex;
        this.stableIndex = lastIndex();
    }

    long firstIndex() {
        return snapshotIndex + 1;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshotTerm : entries.get(entries.size() - 1).term();
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long stableIndex() {
        return stableIndex;
    }

    /** The term of the entry at {@code index}, or {@link #UNKNOWN_TERM} if compacted away or absent. */
    long termAt(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index < snapshotIndex || index > lastIndex()) {
            return UNKNOWN_TERM;
        }
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    boolean matchTerm(long index, long term) {
        long t = termAt(index);
        return t != UNKNOWN_TERM && t == term;
    }

    Entry entry(long index) {
        return entries.get((int) (index - snapshotIndex - 1));
    }

    /** Election restriction (Raft §5.4.1): is a log ending at (lastIndex, lastTerm) at least as up to date? */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long myLastTerm = lastTerm();
        return otherLastTerm > myLastTerm || (otherLastTerm == myLastTerm && otherLastIndex >= lastIndex());
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}, or
     * {@code index} itself when it lies before this log's first index. Terms never decrease along
     * the log, so this is a binary search.
     */
    long findConflictByTerm(long index, long term) {
        if (index < snapshotIndex) {
            return index;
        }
        long hi = Math.min(index, lastIndex());
        if (termAt(hi) <= term) {
            return hi;
        }
        long lo = snapshotIndex;
        if (snapshotTerm > term) {
            return snapshotIndex;
        }
        // termAt(lo) <= term < termAt(hi): find the last index with term <= term.
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (termAt(mid) <= term) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Appends entries created by this node as leader; they must continue the log. */
    void append(Entry e) {
        if (e.index() != lastIndex() + 1) {
            throw new IllegalStateException("append of index " + e.index() + " after last index " + lastIndex());
        }
        entries.add(e);
        configs.appended(e);
    }

    /** The configuration of the latest entry: what this node acts under. */
    MembershipConfig config() {
        return configs.current();
    }

    /** Index of the entry that set {@link #config()} (the snapshot index if the log holds none). */
    long configIndex() {
        return configs.currentIndex();
    }

    /** The configuration in force at {@code index}, at or after the snapshot. */
    MembershipConfig configAt(long index) {
        return configs.at(index);
    }

    /**
     * Follower append (Figure 2, AppendEntries receiver rules 2–5). Returns the index of the last
     * new entry, or -1 if the log does not contain an entry at {@code prevIndex} with {@code prevTerm}.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> newEntries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + newEntries.size();
        int conflict = findConflict(newEntries);
        if (conflict >= 0) {
            long conflictIndex = newEntries.get(conflict).index();
            if (conflictIndex <= committed) {
                throw new IllegalStateException("entry " + conflictIndex + " conflicts with the committed log (commit "
                        + committed + "); a committed entry would be overwritten");
            }
            truncateAndAppend(newEntries.subList(conflict, newEntries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Position in {@code newEntries} of the first entry absent from or conflicting with this log, or -1. */
    private int findConflict(List<Entry> newEntries) {
        for (int i = 0; i < newEntries.size(); i++) {
            Entry e = newEntries.get(i);
            if (!matchTerm(e.index(), e.term())) {
                return i;
            }
        }
        return -1;
    }

    private void truncateAndAppend(List<Entry> suffix) {
        long first = suffix.get(0).index();
        if (first <= snapshotIndex) {
            throw new IllegalStateException("cannot replace entries at " + first + " covered by the snapshot at "
                    + snapshotIndex);
        }
        if (first <= lastIndex()) {
            entries.subList((int) (first - snapshotIndex - 1), entries.size()).clear();
            stableIndex = Math.min(stableIndex, first - 1);
            configs.truncatedFrom(first);
        }
        if (first != lastIndex() + 1) {
            throw new IllegalStateException("gap: appending " + first + " after " + lastIndex());
        }
        entries.addAll(suffix);
        for (Entry e : suffix) {
            configs.appended(e);
        }
    }

    void commitTo(long index) {
        if (index <= committed) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalStateException("commit index " + index + " is beyond the last index " + lastIndex());
        }
        committed = index;
    }

    /**
     * Entries in [from, to], at most {@code maxBytes} of them but never none (if the range is not
     * empty). The range must lie inside the log.
     */
    List<Entry> slice(long from, long to, long maxBytes) {
        if (from > to) {
            return List.of();
        }
        if (from <= snapshotIndex || to > lastIndex()) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + "] outside (" + snapshotIndex + ", "
                    + lastIndex() + "]");
        }
        int start = (int) (from - snapshotIndex - 1);
        int end = (int) (to - snapshotIndex);
        long bytes = 0;
        int i = start;
        while (i < end) {
            bytes += entries.get(i).sizeBytes();
            if (bytes > maxBytes && i > start) {
                break;
            }
            i++;
        }
        return Collections.unmodifiableList(new ArrayList<>(entries.subList(start, i)));
    }

    boolean hasUnstableEntries() {
        return stableIndex < lastIndex();
    }

    List<Entry> unstableEntries() {
        return slice(stableIndex + 1, lastIndex(), Long.MAX_VALUE);
    }

    /** Marks entries up to {@code index} durable, provided the entry there still has {@code term}. */
    void stableTo(long index, long term) {
        if (matchTerm(index, term) && index > stableIndex) {
            stableIndex = index;
        }
    }

    SnapshotMeta unstableSnapshot() {
        return unstableSnapshot;
    }

    void snapshotStable() {
        unstableSnapshot = null;
    }

    /** Whether a snapshot from the leader was persisted but not yet handed back with its bytes. */
    boolean awaitingStoredSnapshot() {
        return received != null && unstableSnapshot == null;
    }

    /** The caller persisted the received snapshot: from now on its bytes are read from {@code stored}. */
    void snapshotStored(Snapshot stored) {
        if (!awaitingStoredSnapshot() || !received.equals(stored.meta())) {
            throw new IllegalArgumentException("stored snapshot " + stored.meta() + " is not the one received and "
                    + "persisted: " + received + (unstableSnapshot != null ? " (not yet persisted)" : ""));
        }
        snapshot = stored;
        received = null;
    }

    /** First index the next batch of committed entries starts from. */
    private long nextApplyIndex() {
        return (unstableSnapshot != null ? unstableSnapshot.index() : applied) + 1;
    }

    boolean hasEntriesToApply() {
        return committed >= nextApplyIndex();
    }

    List<Entry> entriesToApply(long maxBytes) {
        return slice(nextApplyIndex(), committed, maxBytes);
    }

    /**
     * The state machine kept its own state durably and reopened it at committed entry
     * ({@code index}, {@code term}): applying resumes after it instead of at the snapshot. Refused
     * (false, nothing changed) unless this log, just recovered, holds that very entry: at or after
     * its snapshot, and with that term (an entry of another term there was never committed, so
     * the state cannot be at it). Since the entry was committed, the commit index is raised to it.
     */
    boolean resumeAppliedAt(long index, long term) {
        if (applied != snapshotIndex || unstableSnapshot != null || index < snapshotIndex || index > lastIndex()
                || termAt(index) != term) {
            return false;
        }
        committed = Math.max(committed, index);
        applied = index;
        return true;
    }

    void appliedTo(long index) {
        if (index < applied || index > committed) {
            throw new IllegalStateException("applied index " + index + " outside [" + applied + ", " + committed + "]");
        }
        applied = index;
    }

    /**
     * Replaces everything up to {@code snap.index()} with the snapshot the state machine took
     * (Raft §7). The snapshot must not go beyond what is applied.
     */
    void compact(Snapshot snap) {
        long index = snap.index();
        if (index > applied) {
            throw new IllegalArgumentException("cannot compact to " + index + ": only " + applied + " is applied");
        }
        if (index <= snapshotIndex) {
            throw new IllegalArgumentException("cannot compact to " + index + ": already compacted to " + snapshotIndex);
        }
        entries.subList(0, (int) (index - snapshotIndex)).clear();
        configs.compactedTo(index);
        snapshotIndex = index;
        snapshotTerm = snap.term();
        snapshot = snap;
        received = null;
    }

    /**
     * Installs a snapshot received from the leader, discarding the whole log (Raft §7: the log
     * conflicts with or is older than the snapshot). The caller holds its bytes and must persist and
     * apply it, then hand it back stored.
     */
    void restore(SnapshotMeta meta) {
        entries.clear();
        configs.restored(meta.index(), meta.config());
        snapshot = null;
        received = meta;
        snapshotIndex = meta.index();
        snapshotTerm = meta.term();
        committed = meta.index();
        stableIndex = meta.index();
        unstableSnapshot = meta;
    }
}
