package io.shardkv.group.engine;

import io.shardkv.kv.Key;

/** Takes the entries of a scan, one at a time; answering false ends the scan. */
@FunctionalInterface
public interface EntryVisitor {

    boolean visit(Key key, byte[] value);
}
