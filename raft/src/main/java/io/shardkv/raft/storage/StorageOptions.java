package io.shardkv.raft.storage;

import java.util.Objects;

/**
 * Settings of a node's durable storage.
 *
 * @param segmentBytes a write-ahead log segment is closed and a new one started once it reaches
 *                     this size (bytes); a record never spans segments
 * @param fsync        see {@link FsyncPolicy}
 */
public record StorageOptions(long segmentBytes, FsyncPolicy fsync) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final long MIN_SEGMENT_BYTES = 4096;

    public static final StorageOptions DEFAULTS = new StorageOptions(DEFAULT_SEGMENT_BYTES, FsyncPolicy.ALWAYS);

    public StorageOptions {
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be >= " + MIN_SEGMENT_BYTES + ", was " + segmentBytes);
        }
        Objects.requireNonNull(fsync, "fsync");
    }

    public StorageOptions withSegmentBytes(long bytes) {
        return new StorageOptions(bytes, fsync);
    }

    public StorageOptions withFsync(FsyncPolicy policy) {
        return new StorageOptions(segmentBytes, policy);
    }
}
