package io.shardkv.raft.node;

/**
 * The committed entry a state machine that keeps its own state durably was applied up to when it
 * reopened that state: ({@code index}, {@code term}).
 */
public record DurablePoint(long index, long term) {
}
