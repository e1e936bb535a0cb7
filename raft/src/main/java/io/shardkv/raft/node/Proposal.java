package io.shardkv.raft.node;

/**
 * Where a leader placed a proposed command. It is committed if and when the entry applied at
 * {@code index} has this {@code term}; any other term there means it was lost.
 */
public record Proposal(long index, long term) {
}
