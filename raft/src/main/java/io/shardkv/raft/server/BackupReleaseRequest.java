package io.shardkv.raft.server;

/** Deletes backup image {@code id} at the replica that holds it; answered by an {@link AdminReply}. */
public record BackupReleaseRequest(long id) {
}
