package io.shardkv.raft.rsm;

import io.shardkv.raft.core.SnapshotImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A replicated service's state, driven by an {@link RsmHost}. Every method is called on the
 * node's thread. {@link #apply} must be deterministic: the same commands in the same order give
 * the same state and replies on every replica, so it must not read clocks, random numbers or
 * iterate unordered collections to decide anything.
 */
public interface StateMachine {

    /**
     * Applies the committed command at {@code index} and returns the reply for its client.
     * {@code timeMillis} is replicated time: the largest leader timestamp applied so far, the same
     * on every replica at this entry (never a local clock).
     */
    byte[] apply(long index, long timeMillis, byte[] command);

    /** Answers a read-only query from the current state (never logged). */
    byte[] query(byte[] query);

    /**
     * Captures the whole state as of now, for {@link #restore}. Called on the node's thread and must
     * be cheap there: the image is written out later on another thread while {@link #apply} goes
     * on, so it must share nothing that apply changes (copy what is small, copy-on-write the rest).
     */
    SnapshotImage snapshot();

    /**
     * Replaces the whole state with an image {@link #snapshot} wrote. Malformed input is an
     * {@link IOException} or {@link IllegalStateException}.
     */
    void restore(InputStream image) throws IOException;

    /** What a durable service reopened: its state is as of entry ({@code index}, {@code term}), with the host's part. */
    record Recovered(long index, long term, byte[] hostState) {
    }

    /**
     * Whether this service keeps its state durably itself (a storage engine), so that a restart
     * resumes from it instead of restoring the snapshot and replaying the log from there. Then the
     * methods below matter; a service that keeps its state in memory leaves them alone.
     */
    default boolean durable() {
        return false;
    }

    /** The state this durable service reopened, or null if it found none. Asked before anything is applied. */
    default Recovered recovered() {
        return null;
    }

    /**
     * The state {@link #recovered} found is not wanted (the log no longer holds its entry): the
     * service forgets it and is empty, as new.
     */
    default void discardRecovered() {
    }

    /**
     * A durable service has applied every entry up to ({@code index}, {@code term}) — called after
     * each entry, commands or not, and after a {@link #restore} of the snapshot at that entry —
     * and {@code hostState} gives the host's own part, for {@link Recovered}: as it is until the
     * next entry is applied, so it is asked for only when a commit needs it, not per entry.
     * {@link #restore} must forget the point it was at before it changes anything.
     */
    default void applied(long index, long term, Supplier<byte[]> hostState) {
    }

    /**
     * Everything changed up to the last {@link #applied} becomes one atomic step of the durable
     * state, at that entry: a crash leaves the state at some such step. Called after each batch of
     * entries the node applies, before a snapshot is captured and after a restore. Not
     * necessarily synced: see {@link #persist}.
     */
    default void commitApplied() {
    }

    /**
     * Once this returns, every step {@link #applied} made survives a crash: the log is about to be
     * compacted up to one of them. Called on a thread of the snapshot's, while apply goes on.
     */
    default void persist() {
    }

    /**
     * Where the state now is in the service's own history — a configuration number, say — which a
     * backup records; never decreasing; 0 for a service without such a notion.
     */
    default long backupPoint() {
        return 0;
    }

    /**
     * Why the state now is not a consistent backup of {@code point} (another point, or work in
     * flight that a copy must not catch halfway), or null if it is. By default any state is.
     */
    default String backupRefusal(long point) {
        return null;
    }
}
