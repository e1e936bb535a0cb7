package io.shardkv.group.engine;

import io.shardkv.kv.Key;

/**
 * One shard's range of a {@link RocksDbEngine}. Its entry count is kept here (RocksDB only
 * estimates counts), which is why a write reads the key first: it must know whether the key was
 * held, and put and remove answer the value they replace anyway.
 */
final class RocksDbShardData implements ShardData {

    private final RocksDbEngine engine;
    private final int shard;
    private long size;
    private boolean dropped;

    RocksDbShardData(RocksDbEngine engine, int shard, long size) {
        this.engine = engine;
        this.shard = shard;
        this.size = size;
    }

    int shard() {
        return shard;
    }

    @Override
    public byte[] get(Key key) {
        return engine.get(stored(key));
    }

    @Override
    public byte[] put(Key key, byte[] value) {
        byte[] k = stored(key);
        byte[] old = engine.get(k);
        engine.put(k, value);
        if (old == null) {
            size++;
        }
        return old;
    }

    @Override
    public byte[] remove(Key key) {
        byte[] k = stored(key);
        byte[] old = engine.get(k);
        if (old != null) {
            engine.delete(k);
            size--;
        }
        return old;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void scan(Key after, EntryVisitor visitor) {
        checkHeld();
        engine.scan(shard, after, visitor, null);
    }

    @Override
    public ShardView capture() {
        checkHeld();
        return engine.capture(shard, size);
    }

    @Override
    public void drop() {
        checkHeld();
        dropped = true;
        engine.dropped(this);
    }

    private byte[] stored(Key key) {
        checkHeld();
        return RocksDbKeys.dataKey(shard, key.bytes());
    }

    private void checkHeld() {
        if (dropped) {
            throw new IllegalStateException("shard " + shard + " was dropped: its data is not used again");
        }
    }
}
