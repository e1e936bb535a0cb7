package io.shardkv.raft.core.quorum;

/**
 * What each voter has acknowledged: a log index for the commit rule, a ReadIndex sequence for
 * read confirmation. A voter that acknowledged nothing yet answers 0.
 */
@FunctionalInterface
public interface AckedIndexer {

    long ackedIndex(int voter);
}
