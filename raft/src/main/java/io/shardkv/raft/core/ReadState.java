package io.shardkv.raft.core;

/**
 * A released ReadIndex request (Raft dissertation §6.4): once the local state machine has applied
 * {@code index}, a read issued with {@code context} may be served linearizably from it.
 */
public record ReadState(long index, long context) {
}
