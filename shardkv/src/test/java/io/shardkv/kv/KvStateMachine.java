package io.shardkv.kv;

import io.shardkv.group.engine.MemoryShardData;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A map from byte-string keys to byte-string values. Writes (put, append, delete, compare-and-set)
 * arrive through the log; reads are queries. Snapshots list the entries in key order, so equal
 * states give equal bytes. Test scope, with {@link KvServer}: one shard's data as the in-memory
 * engine keeps it; a shard group keeps one per shard ({@code io.shardkv.group}), sharing
 * {@link KvOps} and {@link KvCommands}.
 */
final class KvStateMachine implements StateMachine {

    private MemoryShardData data = new MemoryShardData();

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        return KvOps.write(data, KvCommands.decode(command));
    }

    @Override
    public byte[] query(byte[] query) {
        return KvOps.read(data, KvCommands.decodeQuery(query).keys().get(0));
    }

    @Override
    public SnapshotImage snapshot() {
        int[] size = {4};
        data.scan(null, (k, v) -> {
            size[0] += 8 + k.bytes().length + v.length;
            return true;
        });
        ByteBuffer b = ByteBuffer.allocate(size[0]).putInt(Math.toIntExact(data.size()));
        data.scan(null, (k, v) -> {
            b.putInt(k.bytes().length).put(k.bytes()).putInt(v.length).put(v);
            return true;
        });
        return SnapshotImage.of(b.array());
    }

    @Override
    public void restore(InputStream image) throws IOException {
        data = new MemoryShardData();
        ByteBuffer b = ByteBuffer.wrap(image.readAllBytes());
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[b.getInt()];
            b.get(k);
            byte[] v = new byte[b.getInt()];
            b.get(v);
            data.put(new Key(k), v);
        }
    }
}
