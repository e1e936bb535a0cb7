package io.shardkv.raft.core;

import java.util.List;

/**
 * Everything the core asks its caller to do, collected since the previous {@code advance}. The
 * core does no I/O: snapshot bytes it sends are read by the caller ({@link #snapshotChunks()}),
 * snapshot bytes it receives are kept by the caller ({@link #spool()}). The caller handles a Ready
 * in this order, then calls {@link RaftCore#advance(Ready)}:
 * <ol>
 *   <li>send {@link #messagesBeforePersist()} and the {@link #snapshotChunks()} at once (a leader's
 *   replication traffic, which acknowledges nothing, so it may overlap the leader's own disk write
 *   — dissertation §10.2.1);</li>
 *   <li>carry out the {@link #spool()} steps in order;</li>
 *   <li>persist the snapshot named by {@link #snapshot()} if present (the spooled one; it replaces
 *   the whole log), then {@link #entries()} — an entry at index i replaces any persisted entry at i
 *   or later — and {@link #hardState()} if present; make them durable (one fsync covers them all);</li>
 *   <li>send {@link #messages()}, which may promise what was just persisted (votes, acks);</li>
 *   <li>restore the state machine from that snapshot if present, then apply
 *   {@link #committedEntries()} in order;</li>
 *   <li>serve reads for each of {@link #readStates()} once its index is applied.</li>
 * </ol>
 * Without a snapshot, the last two steps may come first, before the persist: every committed entry
 * is already durable on a quorum, because a leader counts its own entries toward a quorum only once
 * {@code advance} reports them persisted. Applying early answers clients one fsync sooner. With a
 * snapshot, the caller hands the stored snapshot back with {@link RaftCore#snapshotStored} right
 * after {@code advance}.
 *
 * @param softState             new leader/role/term if they changed, else null
 * @param hardState             hard state to persist if it changed, else null
 * @param entries               entries to persist, possibly replacing a persisted suffix
 * @param snapshot              a snapshot received from the leader (its bytes spooled) to persist and
 *                              restore, else null
 * @param spool                 what to do with the bytes of the snapshot being received, in order
 * @param messagesBeforePersist messages that may go out before anything is persisted
 * @param snapshotChunks        snapshot chunks to read and send, like {@code messagesBeforePersist}
 * @param messages              messages that may go out only after this Ready is durable
 * @param committedEntries      entries to apply, in index order
 * @param readStates            ReadIndex requests confirmed by a quorum
 */
public record Ready(
        SoftState softState,
        HardState hardState,
        List<Entry> entries,
        SnapshotMeta snapshot,
        List<SpoolStep> spool,
        List<Message> messagesBeforePersist,
        List<SnapshotChunk> snapshotChunks,
        List<Message> messages,
        List<Entry> committedEntries,
        List<ReadState> readStates) {

    /** True if the caller must write to durable storage (and fsync) before sending {@link #messages()}. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }
}
