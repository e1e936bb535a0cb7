package io.shardkv.raft.core.quorum;

/** Each voter's answer in a poll: true (yes), false (no) or null (not answered yet). */
@FunctionalInterface
public interface VoteSource {

    Boolean vote(int voter);
}
