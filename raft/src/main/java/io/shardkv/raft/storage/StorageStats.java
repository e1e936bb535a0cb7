package io.shardkv.raft.storage;

/**
 * Counters of a node's storage since it opened.
 *
 * @param logSyncs        fsyncs of the write-ahead log (one per persisted batch)
 * @param entriesWritten  log entries written
 * @param bytesWritten    log bytes written
 * @param hardStateWrites atomic rewrites of the hard-state file (term or vote changes)
 * @param snapshotsSaved  snapshot files written
 */
public record StorageStats(long logSyncs, long entriesWritten, long bytesWritten, long hardStateWrites,
                           long snapshotsSaved) {
}
