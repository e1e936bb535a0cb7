package io.shardkv.raft.server;

import java.util.Objects;

/**
 * What a replica answers to {@link MembershipChangeRequest} and {@link LeaderTransferRequest}.
 *
 * @param status        the outcome
 * @param index         the committed configuration entry's index ({@link Status#DONE} of a change)
 * @param leader        the leader this replica knows of (0: none), for {@link Status#NOT_LEADER}
 * @param leaderAddress where it is reached, or null
 * @param message       what happened, in words
 */
public record AdminReply(Status status, long index, int leader, String leaderAddress, String message) {

    /** How a request ended. */
    public enum Status {
        /** Done: the change committed, or the leader started the transfer. */
        DONE,
        /** This replica does not lead; ask {@code leader}. */
        NOT_LEADER,
        /** Another change is in flight, or the leader is new to its term: try again shortly. */
        RETRY,
        /** The request is wrong for this group and never will be right. */
        INVALID,
        /** Accepted, then lost with its leader: nothing changed; it may be sent again. */
        LOST,
        /** No outcome in time: check the membership before trying again. */
        TIMEOUT
    }

    public AdminReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }
}
