package io.shardkv.raft.rsm;

/** How a command or query submitted to an {@link RsmHost} ended. */
public sealed interface RsmOutcome {

    /** Applied (or answered), with the service's reply. */
    record Ok(byte[] reply) implements RsmOutcome {
    }

    /** This node is not the leader, or lost leadership before the outcome was known; retry at {@code leaderHint}. */
    record WrongLeader(int leaderHint) implements RsmOutcome {
    }

    /** The client's session expired; its command was not applied now (it may have been before). */
    record SessionExpired() implements RsmOutcome {
    }

    /** Refused without being applied, for the reason given (e.g. too many unacknowledged commands). */
    record Rejected(String reason) implements RsmOutcome {
    }

    /** The node stopped before the outcome was known. */
    record Stopped(String reason) implements RsmOutcome {
    }
}
