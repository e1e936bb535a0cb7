package io.shardkv.raft.server;

/** Asks a replica for its group's membership and, from the leader, how far each member is behind. */
public record MembershipRequest() {
}
