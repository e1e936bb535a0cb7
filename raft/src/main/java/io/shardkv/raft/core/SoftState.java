package io.shardkv.raft.core;

/** Volatile, observable state: who leads, and what this node is. Never persisted. */
public record SoftState(long term, Role role, int leader) {
}
