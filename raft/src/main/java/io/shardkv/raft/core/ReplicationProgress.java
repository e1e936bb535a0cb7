package io.shardkv.raft.core;

/**
 * How far a member's log is behind its leader's, as the leader knows it.
 *
 * @param id            the member
 * @param match         the highest index the leader knows it stores
 * @param entriesBehind entries it lacks, up to the leader's last index
 * @param bytesBehind   what they weigh (entry bytes; the snapshot's too when it needs one)
 */
public record ReplicationProgress(int id, long match, long entriesBehind, long bytesBehind) {
}
