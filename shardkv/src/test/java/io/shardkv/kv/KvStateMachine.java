package io.shardkv.kv;

import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A map from byte-string keys to byte-string values. Writes (put, append, delete, compare-and-set)
 * arrive through the log; reads are queries. Snapshots list the entries in key order, so equal
 * states give equal bytes. Test scope, with {@link KvServer}: a shard group keeps a map per shard
 * instead ({@code io.shardkv.group}), sharing {@link KvOps} and {@link KvCommands}.
 */
final class KvStateMachine implements StateMachine {

    private final Map<Key, byte[]> data = new HashMap<>();

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
        List<Key> keys = new ArrayList<>(data.keySet());
        keys.sort(null);
        int size = 4;
        for (Key k : keys) {
            size += 8 + k.bytes().length + data.get(k).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(keys.size());
        for (Key k : keys) {
            byte[] v = data.get(k);
            b.putInt(k.bytes().length).put(k.bytes()).putInt(v.length).put(v);
        }
        return SnapshotImage.of(b.array());
    }

    @Override
    public void restore(InputStream image) throws IOException {
        data.clear();
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
