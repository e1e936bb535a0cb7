package io.shardkv.raft.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Settings of one Raft node. Times are in ticks (the caller decides how long a tick is); sizes are
 * in bytes. Built with {@link #builder(int, List)}, which validates eagerly.
 *
 * @param id                         this node's id, unique within the group, not {@link RaftCore#NONE}
 * @param voters                     the group's first voters, sorted, including {@code id}; empty for a
 *                                   node that joins an existing group (it learns the configuration
 *                                   from the leader). Only a log with no snapshot and no configuration
 *                                   entry is under them: after that the log's configuration rules
 * @param electionTicks              base election timeout; the effective timeout is drawn uniformly
 *                                   from [electionTicks, 2 × electionTicks) on every reset (Raft §5.2)
 * @param heartbeatTicks             interval between leader heartbeats; must be below electionTicks
 * @param preVote                    run the PreVote phase before raising the term (dissertation §9.6)
 * @param checkQuorum                a leader that has not heard from a quorum within electionTicks
 *                                   steps down, and followers that heard from a leader recently
 *                                   ignore vote requests (dissertation §6.2, §9.6)
 * @param maxMessageBytes            upper bound on the entry bytes of one AppendEntries (always at
 *                                   least one entry is sent)
 * @param maxInflightMessages        AppendEntries a leader may have unacknowledged per follower while
 *                                   replicating optimistically
 * @param snapshotChunkBytes         size of one InstallSnapshot chunk
 * @param maxInflightSnapshotChunks  chunks a leader may have unacknowledged per follower
 * @param maxSnapshotBytes           the largest snapshot a follower accepts from a leader (it holds
 *                                   the chunks in memory until the snapshot is complete and persisted)
 * @param maxApplyBytesPerReady      upper bound on committed entry bytes handed out in one Ready (at
 *                                   least one entry is)
 * @param addresses                  where the first voters are reached ({@code host:port}), recorded
 *                                   with the bootstrap configuration so that replicas added later
 *                                   learn them from the log; may name none
 */
public record RaftConfig(
        int id,
        List<Integer> voters,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        long maxMessageBytes,
        int maxInflightMessages,
        int snapshotChunkBytes,
        int maxInflightSnapshotChunks,
        long maxSnapshotBytes,
        long maxApplyBytesPerReady,
        Map<Integer, String> addresses) {

    public static final int DEFAULT_ELECTION_TICKS = 10;
    public static final int DEFAULT_HEARTBEAT_TICKS = 2;
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1L << 20;
    public static final int DEFAULT_MAX_INFLIGHT_MESSAGES = 256;
    public static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS = 4;
    public static final long DEFAULT_MAX_SNAPSHOT_BYTES = 8L << 30;
    public static final long DEFAULT_MAX_APPLY_BYTES_PER_READY = 64L << 20;

    public RaftConfig {
        if (id == RaftCore.NONE) {
            throw new IllegalArgumentException("node id must not be " + RaftCore.NONE);
        }
        TreeSet<Integer> unique = new TreeSet<>(voters);
        if (unique.size() != voters.size()) {
            throw new IllegalArgumentException("voters contain duplicates: " + voters);
        }
        if (unique.contains(RaftCore.NONE)) {
            throw new IllegalArgumentException("voter id must not be " + RaftCore.NONE + ": " + voters);
        }
        if (!unique.isEmpty() && !unique.contains(id)) {
            throw new IllegalArgumentException("voters " + voters + " must include this node's id " + id
                    + " (a node joining an existing group starts with no voters)");
        }
        voters = List.copyOf(new ArrayList<>(unique));
        requirePositive("heartbeatTicks", heartbeatTicks);
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicks (" + electionTicks
                    + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        }
        requirePositive("maxMessageBytes", maxMessageBytes);
        requirePositive("maxInflightMessages", maxInflightMessages);
        requirePositive("snapshotChunkBytes", snapshotChunkBytes);
        requirePositive("maxInflightSnapshotChunks", maxInflightSnapshotChunks);
        requirePositive("maxSnapshotBytes", maxSnapshotBytes);
        requirePositive("maxApplyBytesPerReady", maxApplyBytesPerReady);
        addresses = Collections.unmodifiableSortedMap(new TreeMap<>(addresses));
        for (int member : addresses.keySet()) {
            if (!unique.contains(member)) {
                throw new IllegalArgumentException("address given for " + member + ", who is not one of the voters "
                        + voters);
            }
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public static Builder builder(int id, List<Integer> voters) {
        return new Builder(id, voters);
    }

    /** A copy of this configuration with another node id (for building the configs of a group). */
    public RaftConfig withId(int newId) {
        return new RaftConfig(newId, voters, electionTicks, heartbeatTicks, preVote, checkQuorum,
                maxMessageBytes, maxInflightMessages, snapshotChunkBytes, maxInflightSnapshotChunks,
                maxSnapshotBytes, maxApplyBytesPerReady, addresses);
    }

    /** Builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private final int id;
        private final List<Integer> voters;
        private int electionTicks = DEFAULT_ELECTION_TICKS;
        private int heartbeatTicks = DEFAULT_HEARTBEAT_TICKS;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int maxInflightMessages = DEFAULT_MAX_INFLIGHT_MESSAGES;
        private int snapshotChunkBytes = DEFAULT_SNAPSHOT_CHUNK_BYTES;
        private int maxInflightSnapshotChunks = DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS;
        private long maxSnapshotBytes = DEFAULT_MAX_SNAPSHOT_BYTES;
        private long maxApplyBytesPerReady = DEFAULT_MAX_APPLY_BYTES_PER_READY;
        private Map<Integer, String> addresses = Map.of();

        private Builder(int id, List<Integer> voters) {
            this.id = id;
            this.voters = List.copyOf(voters);
        }

        public Builder electionTicks(int ticks) {
            this.electionTicks = ticks;
            return this;
        }

        public Builder heartbeatTicks(int ticks) {
            this.heartbeatTicks = ticks;
            return this;
        }

        public Builder preVote(boolean enabled) {
            this.preVote = enabled;
            return this;
        }

        public Builder checkQuorum(boolean enabled) {
            this.checkQuorum = enabled;
            return this;
        }

        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        public Builder maxInflightMessages(int messages) {
            this.maxInflightMessages = messages;
            return this;
        }

        public Builder snapshotChunkBytes(int bytes) {
            this.snapshotChunkBytes = bytes;
            return this;
        }

        public Builder maxInflightSnapshotChunks(int chunks) {
            this.maxInflightSnapshotChunks = chunks;
            return this;
        }

        public Builder maxSnapshotBytes(long bytes) {
            this.maxSnapshotBytes = bytes;
            return this;
        }

        public Builder maxApplyBytesPerReady(long bytes) {
            this.maxApplyBytesPerReady = bytes;
            return this;
        }

        public Builder addresses(Map<Integer, String> firstVoters) {
            this.addresses = Map.copyOf(firstVoters);
            return this;
        }

        public RaftConfig build() {
            return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum,
                    maxMessageBytes, maxInflightMessages, snapshotChunkBytes, maxInflightSnapshotChunks,
                    maxSnapshotBytes, maxApplyBytesPerReady, addresses);
        }
    }
}
