package io.shardkv.raft.core;

import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.Objects;

/**
 * One log entry. {@code data} is owned by the log once appended and must not be mutated.
 *
 * @param index position in the log, from 1
 * @param term  term of the leader that created it
 * @param kind  what the entry carries
 * @param data  the command bytes, the encoded configuration, or empty for {@link Kind#NOOP}
 */
public record Entry(long index, long term, Kind kind, byte[] data) {

    /** What an entry carries. */
    public enum Kind {
        /** A command for the state machine. */
        COMMAND,
        /** The empty entry a new leader appends at the start of its term (Raft §8, Figure 8). */
        NOOP,
        /**
         * The group's whole configuration from this entry on ({@code data} is a
         * {@link io.shardkv.raft.core.confchange.MembershipCodec} encoding). It takes effect as soon as
         * a node has it in its log, committed or not (dissertation §4.1).
         */
        CONFIG
    }

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (index < 1) {
            throw new IllegalArgumentException("entry index must be >= 1, was " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("entry term must be >= 1, was " + term);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(data, "data");
    }

    public static Entry command(long index, long term, byte[] data) {
        return new Entry(index, term, Kind.COMMAND, data);
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, Kind.NOOP, EMPTY);
    }

    public static Entry config(long index, long term, MembershipConfig config) {
        return new Entry(index, term, Kind.CONFIG, MembershipCodec.encode(config));
    }

    /** Bytes this entry occupies for batching and budget purposes. */
    public long sizeBytes() {
        return data.length + ENTRY_OVERHEAD_BYTES;
    }

    /** Fixed per-entry cost counted in byte budgets (index, term, kind). */
    static final int ENTRY_OVERHEAD_BYTES = 17;

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + kind + " " + data.length + "B}";
    }
}
