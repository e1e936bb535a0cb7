package io.shardkv.group.engine;

import io.shardkv.kv.Key;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A shard's data in a {@link TreeMap}, in key order, so a handed-off shard can be sent in chunks
 * from any point. A capture shares the map: the next change copies it first (the copy shares keys
 * and values, which are never changed in place; it costs one tree node per key, once per capture,
 * and only for shards written to while the capture is being read).
 */
public final class MemoryShardData implements ShardData {

    private TreeMap<Key, byte[]> data = new TreeMap<>();
    /** A capture still reads {@link #data}: the next change copies it first. */
    private boolean shared;

    @Override
    public byte[] get(Key key) {
        return data.get(key);
    }

    @Override
    public byte[] put(Key key, byte[] value) {
        return mutable().put(key, value);
    }

    @Override
    public byte[] remove(Key key) {
        return data.containsKey(key) ? mutable().remove(key) : null;
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public void scan(Key after, EntryVisitor visitor) {
        scan(data, after, visitor);
    }

    @Override
    public void drop() {
        data = new TreeMap<>();
        shared = false;
    }

    @Override
    public ShardView capture() {
        shared = true;
        TreeMap<Key, byte[]> frozen = data;
        return new ShardView() {
            @Override
            public long size() {
                return frozen.size();
            }

            @Override
            public void scan(Key after, EntryVisitor visitor) {
                MemoryShardData.scan(frozen, after, visitor);
            }
        };
    }

    private TreeMap<Key, byte[]> mutable() {
        if (shared) {
            data = new TreeMap<>(data);
            shared = false;
        }
        return data;
    }

    private static void scan(NavigableMap<Key, byte[]> map, Key after, EntryVisitor visitor) {
        for (Map.Entry<Key, byte[]> e : (after == null ? map : map.tailMap(after, false)).entrySet()) {
            if (!visitor.visit(e.getKey(), e.getValue())) {
                return;
            }
        }
    }
}
