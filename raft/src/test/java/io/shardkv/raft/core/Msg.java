package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import java.util.List;

/**
 * Messages for tests, built with named fields instead of long positional constructors:
 * {@code Msg.append(2, 1).term(4).prev(1, 1).entries(...).commit(3).build()}. Unset numbers are 0
 * (the term 1), unset flags false.
 */
public final class Msg {

    private Msg() {
    }

    public static AppendBuilder append(int from, int to) {
        return new AppendBuilder(from, to);
    }

    /** A copy of {@code ae} to change some of its fields. */
    public static AppendBuilder append(AppendEntries ae) {
        return new AppendBuilder(ae.from(), ae.to()).term(ae.term()).prev(ae.prevIndex(), ae.prevTerm())
                .entries(ae.entries()).commit(ae.commit());
    }

    public static AppendResponseBuilder appendResponse(int from, int to) {
        return new AppendResponseBuilder(from, to);
    }

    public static VoteBuilder vote(int from, int to) {
        return new VoteBuilder(from, to);
    }

    /** A copy of {@code vr} to change some of its fields. */
    public static VoteBuilder vote(VoteRequest vr) {
        VoteBuilder b = new VoteBuilder(vr.from(), vr.to()).term(vr.term()).last(vr.lastIndex(), vr.lastTerm());
        b.preVote = vr.preVote();
        b.transfer = vr.transfer();
        return b;
    }

    public static VoteResponseBuilder voteResponse(int from, int to) {
        return new VoteResponseBuilder(from, to);
    }

    public static Heartbeat heartbeat(int from, int to, long term, long commit) {
        return new Heartbeat(from, to, term, commit, 0);
    }

    /** The whole of a snapshot in one chunk. */
    public static InstallSnapshot snapshot(int from, int to, long term, SnapshotMeta meta, byte[] image) {
        return new InstallSnapshot(from, to, term, meta, image.length, 0, image, true);
    }

    /** AppendEntries (Figure 2). */
    public static final class AppendBuilder {
        private final int from;
        private final int to;
        private long term = 1;
        private long prevIndex;
        private long prevTerm;
        private List<Entry> entries = List.of();
        private long commit;

        private AppendBuilder(int from, int to) {
            this.from = from;
            this.to = to;
        }

        public AppendBuilder term(long t) {
            term = t;
            return this;
        }

        /** The entry the new ones follow. */
        public AppendBuilder prev(long index, long t) {
            prevIndex = index;
            prevTerm = t;
            return this;
        }

        public AppendBuilder entries(List<Entry> e) {
            entries = e;
            return this;
        }

        /** The leader's commit index. */
        public AppendBuilder commit(long index) {
            commit = index;
            return this;
        }

        public AppendEntries build() {
            return new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
        }
    }

    /** An answer to AppendEntries: an acceptance up to an index, or a rejection with a hint. */
    public static final class AppendResponseBuilder {
        private final int from;
        private final int to;
        private long term = 1;
        private boolean rejected;
        private long index;
        private long hintIndex;
        private long hintTerm;

        private AppendResponseBuilder(int from, int to) {
            this.from = from;
            this.to = to;
        }

        public AppendResponseBuilder term(long t) {
            term = t;
            return this;
        }

        /** Accepts everything up to {@code i}. */
        public AppendResponseBuilder accepts(long i) {
            rejected = false;
            index = i;
            return this;
        }

        /** Rejects the append that followed {@code prevIndex}; the hint is the last entry that may still match. */
        public AppendResponseBuilder rejects(long prevIndex, long hintI, long hintT) {
            rejected = true;
            index = prevIndex;
            hintIndex = hintI;
            hintTerm = hintT;
            return this;
        }

        public AppendResponse build() {
            return new AppendResponse(from, to, term, rejected, index, hintIndex, hintTerm);
        }
    }

    /** RequestVote, or its PreVote probe. */
    public static final class VoteBuilder {
        private final int from;
        private final int to;
        private long term = 1;
        private long lastIndex;
        private long lastTerm;
        private boolean preVote;
        private boolean transfer;

        private VoteBuilder(int from, int to) {
            this.from = from;
            this.to = to;
        }

        public VoteBuilder term(long t) {
            term = t;
            return this;
        }

        /** The candidate's last log entry. */
        public VoteBuilder last(long index, long t) {
            lastIndex = index;
            lastTerm = t;
            return this;
        }

        public VoteBuilder preVote() {
            preVote = true;
            return this;
        }

        /** A campaign started by a leadership transfer. */
        public VoteBuilder transfer() {
            transfer = true;
            return this;
        }

        public VoteRequest build() {
            return new VoteRequest(from, to, term, lastIndex, lastTerm, preVote, transfer);
        }
    }

    /** An answer to RequestVote or PreVote. */
    public static final class VoteResponseBuilder {
        private final int from;
        private final int to;
        private long term = 1;
        private boolean preVote;
        private boolean granted;

        private VoteResponseBuilder(int from, int to) {
            this.from = from;
            this.to = to;
        }

        public VoteResponseBuilder term(long t) {
            term = t;
            return this;
        }

        public VoteResponseBuilder preVote() {
            preVote = true;
            return this;
        }

        public VoteResponse granted() {
            granted = true;
            return build();
        }

        public VoteResponse rejected() {
            granted = false;
            return build();
        }

        private VoteResponse build() {
            return new VoteResponse(from, to, term, preVote, granted);
        }
    }
}
