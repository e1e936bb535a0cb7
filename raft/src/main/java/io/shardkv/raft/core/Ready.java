package io.shardkv.raft.core;

import java.util.List;

/**
 * Everything the core asks its caller to do, collected since the previous {@code advance}.
 * The caller handles a Ready in this order, then calls {@link RaftCore#advance(Ready)}:
 * <ol>
 *   <li>send {@link #messagesBeforePersist()} at once (a leader's replication traffic, which
 *   acknowledges nothing, so it may overlap the leader's own disk write — dissertation §10.2.1);</li>
 *   <li>persist {@link #snapshot()} if present (it replaces the whole log), then {@link #entries()}
 *   — an entry at index i replaces any persisted entry at i or later — and {@link #hardState()}
 *   if present; make them durable (one fsync covers them all);</li>
 *   <li>send {@link #messages()}, which may promise what was just persisted (votes, acks);</li>
 *   <li>restore the state machine from {@link #snapshot()} if present, then apply
 *   {@link #committedEntries()} in order;</li>
 *   <li>serve reads for each of {@link #readStates()} once its index is applied.</li>
 * </ol>
 * Without a snapshot, the last two steps may come first, before the persist: every committed entry
 * is already durable on a quorum, because a leader counts its own entries toward a quorum only once
 * {@code advance} reports them persisted. Applying early answers clients one fsync sooner.
 *
 * @param softState             new leader/role/term if they changed, else null
 * @param hardState             hard state to persist if it changed, else null
 * @param entries               entries to persist, possibly replacing a persisted suffix
 * @param snapshot              snapshot received from the leader to persist and restore, else null
 * @param messagesBeforePersist messages that may go out before anything is persisted
 * @param messages              messages that may go out only after this Ready is durable
 * @param committedEntries      entries to apply, in index order
 * @param readStates            ReadIndex requests confirmed by a quorum
 */
public record Ready(
        SoftState softState,
        HardState hardState,
        List<Entry> entries,
        Snapshot snapshot,
        List<Message> messagesBeforePersist,
        List<Message> messages,
        List<Entry> committedEntries,
        List<ReadState> readStates) {

    /** True if the caller must write to durable storage (and fsync) before sending {@link #messages()}. */
    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }
}
