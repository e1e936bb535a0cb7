package io.shardkv.kv;

/**
 * The key/value operations {@link KvOps} runs on: one shard's data as its group's engine keeps it
 * ({@code io.shardkv.group.engine}). Values are never null: null means absent.
 */
public interface KvMap {

    /** The value of {@code key}, or null. */
    byte[] get(Key key);

    /** Sets {@code key} to {@code value}; the value replaced, or null. */
    byte[] put(Key key, byte[] value);

    /** Removes {@code key}; the value it had, or null. */
    byte[] remove(Key key);
}
