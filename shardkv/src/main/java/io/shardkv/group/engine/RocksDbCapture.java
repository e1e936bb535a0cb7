package io.shardkv.group.engine;

import io.shardkv.kv.Key;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One shard of a {@link RocksDbEngine} at the instant it was captured: a RocksDB snapshot,
 * released when the capture is, or when it becomes unreachable unreleased (a snapshot abandoned
 * before it was written) — an unreleased snapshot would keep every older version on disk.
 */
final class RocksDbCapture implements ShardView {

    private static final Cleaner CLEANER = Cleaner.create();

    private final RocksDbEngine engine;
    private final int shard;
    private final long size;
    private final RocksDbEngine.CapturePoint point;
    private final AtomicBoolean released = new AtomicBoolean();
    private final Cleaner.Cleanable cleanable;

    RocksDbCapture(RocksDbEngine engine, int shard, long size, RocksDbEngine.CapturePoint point) {
        this.engine = engine;
        this.shard = shard;
        this.size = size;
        this.point = point;
        this.cleanable = CLEANER.register(this, new Release(point, released));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void scan(Key after, EntryVisitor visitor) {
        if (released.get()) {
            throw new IllegalStateException("this capture of shard " + shard + " was released");
        }
        try {
            engine.scan(shard, after, visitor, point);
        } finally {
            // Unreachable mid-scan, this capture's cleaner could release the snapshot being read.
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void release() {
        cleanable.clean();
    }

    /** Holds no reference to the capture, or it would never become unreachable. */
    private record Release(RocksDbEngine.CapturePoint point, AtomicBoolean released) implements Runnable {
        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                point.release();
            }
        }
    }
}
