package io.shardkv.raft.server;

import java.util.Objects;

/**
 * What a replica answers to a {@link BackupRequest}: on {@link AdminReply.Status#DONE}, the image
 * it holds for reading — its id, the applied index and service point it captures, its length and
 * SHA-256 (hex) — else why not: {@code NOT_LEADER} (ask {@code leader}), {@code RETRY} (the state
 * is not a backup of the point yet, in {@code message}), {@code INVALID} (it is past the point and
 * never will be).
 */
public record BackupReport(AdminReply.Status status, String message, int leader, String leaderAddress, long id,
                           long point, long index, long bytes, String sha256) {

    public BackupReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** A report of no image, and why. */
    static BackupReport refused(AdminReply.Status status, String message, int leader, String leaderAddress) {
        return new BackupReport(status, message, leader, leaderAddress, 0, 0, 0, 0, "");
    }
}
