package io.shardkv.group;

import io.shardkv.group.engine.GroupEngine;
import io.shardkv.group.engine.ShardData;
import io.shardkv.group.engine.ShardView;
import io.shardkv.kv.Key;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.SessionTable;
import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.ctrler.ConfigCodec;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A shard group's snapshot image (big-endian; "bytes" = int length + content; "servers" as
 * {@link ConfigCodec#writeServers}):
 * <pre>
 *   version (4) = 3 | gid (4) | shards (4) | config (ConfigCodec)
 *   per shard:  has holder (1) | holder gid (4) | holder servers | handoff (8)   (holder fields if it has one)
 *               holds shard (1) | state (1, ShardState ordinal) | handoff (8) | peer (4) | peer servers |
 *               has cursor (1) | cursor bytes? | sessions bytes | entries (4) | (key bytes | value bytes)*
 *                                                                       (shard fields if it holds the shard)
 *   deletions (4) | (shard (4) | handoff (8) | source gid (4) | source servers)*
 * </pre>
 * Part of the durable format: change only with a new version.
 */
final class GroupSnapshot {

    static final int VERSION = 3;
    /** Bytes of entries restored per engine commit. */
    private static final int COMMIT_BYTES = 4 << 20;

    private GroupSnapshot() {
    }

    /**
     * Everything but the shards' data is copied now (it is small); each shard's data is captured
     * ({@link ShardData#capture}), so the image is this instant's state however long writing it
     * takes.
     */
    static SnapshotImage capture(GroupState state) {
        byte[] head = DataFormat.write(out -> {
            out.writeInt(VERSION);
            out.writeInt(state.gid);
            out.writeInt(state.numShards);
            ConfigCodec.write(out, state.config);
        });
        List<byte[]> shardHeads = new ArrayList<>(state.numShards);
        List<ShardView> shardData = new ArrayList<>(state.numShards);
        for (int i = 0; i < state.numShards; i++) {
            GroupState.Holder h = state.holders[i];
            Shard s = state.shards[i];
            shardHeads.add(DataFormat.write(out -> {
                writeHolder(out, h);
                out.writeBoolean(s != null);
                if (s != null) {
                    writePosition(out, s);
                    DataFormat.writeBytes(out, s.sessions.toBytes());
                }
            }));
            shardData.add(s == null ? null : s.data.capture());
        }
        byte[] tail = DataFormat.write(out -> writeDeletions(out, state.deletions));
        return stream -> {
            try {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
                out.write(head);
                for (int i = 0; i < state.numShards; i++) {
                    out.write(shardHeads.get(i));
                    if (shardData.get(i) != null) {
                        GroupCodec.writeEntries(out, shardData.get(i));
                    }
                }
                out.write(tail);
                out.flush();
            } finally {
                for (ShardView view : shardData) {
                    if (view != null) {
                        view.release();
                    }
                }
            }
        };
    }

    /** The deletions a group owes: count (4) | (shard (4) | handoff (8) | source gid (4) | source servers)*. */
    static void writeDeletions(DataOutputStream out, List<ShardGroupStateMachine.GcTask> deletions) throws IOException {
        out.writeInt(deletions.size());
        for (ShardGroupStateMachine.GcTask d : deletions) {
            out.writeInt(d.shard());
            out.writeLong(d.handoff());
            out.writeInt(d.sourceGid());
            ConfigCodec.writeServers(out, d.sourceServers());
        }
    }

    /** Appends what {@link #writeDeletions} wrote to {@code deletions}. */
    static void readDeletions(DataInputStream in, List<ShardGroupStateMachine.GcTask> deletions) throws IOException {
        for (int n = DataFormat.readCount(in, "deletions owed"); n > 0; n--) {
            deletions.add(new ShardGroupStateMachine.GcTask(in.readInt(), in.readLong(), in.readInt(),
                    ConfigCodec.readServers(in)));
        }
    }

    /** Who holds a shard's data, if anybody: has holder (1) | gid (4) | servers | handoff (8). */
    static void writeHolder(DataOutputStream out, GroupState.Holder h) throws IOException {
        out.writeBoolean(h != null);
        if (h != null) {
            out.writeInt(h.gid());
            ConfigCodec.writeServers(out, h.servers());
            out.writeLong(h.handoff());
        }
    }

    static GroupState.Holder readHolder(DataInputStream in) throws IOException {
        return in.readBoolean() ? new GroupState.Holder(in.readInt(), ConfigCodec.readServers(in), in.readLong()) : null;
    }

    /** Where a held shard stands: state (1) | handoff (8) | peer (4) | peer servers | has cursor (1) | cursor bytes?. */
    static void writePosition(DataOutputStream out, Shard s) throws IOException {
        out.writeByte(s.state.ordinal());
        out.writeLong(s.handoff);
        out.writeInt(s.peer);
        ConfigCodec.writeServers(out, s.peerServers);
        out.writeBoolean(s.pullCursor != null);
        if (s.pullCursor != null) {
            DataFormat.writeBytes(out, s.pullCursor.bytes());
        }
    }

    /** Reads what {@link #writePosition} wrote into the shard {@code make} makes in the state read. */
    static Shard readPosition(DataInputStream in, int shard, Function<ShardState, Shard> make) throws IOException {
        Shard s = make.apply(DataFormat.readEnum(in, ShardState.values(), "shard " + shard + "'s state"));
        s.handoff = in.readLong();
        s.peer = in.readInt();
        s.peerServers = ConfigCodec.readServers(in);
        s.pullCursor = in.readBoolean() ? new Key(DataFormat.readBytes(in)) : null;
        return s;
    }

    /**
     * Replaces {@code state} with what {@link #capture} wrote, shard by shard: a replaced shard's
     * data is let go before the next one is read, so a restore never holds two whole states.
     *
     * @param newSessions an empty session table as the group makes them, for each shard read
     * @param engine      where the shards' data goes
     * @throws IOException if the image is of another version, group or shard count, cut short, or
     *                     holds a shard state or a count that cannot be
     */
    static void restore(InputStream image, GroupState state, Supplier<SessionTable> newSessions, GroupEngine engine)
            throws IOException {
        DataInputStream in = new DataInputStream(image);
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported shard group snapshot version " + version + (version == 2
                    ? " (version 2 placed keys in shards by FNV-1a, this version by Redis Cluster hash slots)" : ""));
        }
        int snapGid = in.readInt();
        int snapShards = in.readInt();
        if (snapGid != state.gid || snapShards != state.numShards) {
            throw new IOException("snapshot of group " + snapGid + " with " + snapShards + " shards given to group "
                    + state.gid + " with " + state.numShards);
        }
        state.config = ConfigCodec.read(in);
        for (int i = 0; i < state.numShards; i++) {
            state.holders[i] = readHolder(in);
            if (state.shards[i] != null) {
                state.shards[i].data.drop(); // the replaced shard's data can go before the new one is read
                state.shards[i] = null;
            }
            state.shards[i] = readShard(in, i, newSessions, engine);
        }
        state.deletions.clear();
        readDeletions(in, state.deletions);
    }

    private static Shard readShard(DataInputStream in, int shard, Supplier<SessionTable> newSessions,
                                   GroupEngine engine) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        Shard s = readPosition(in, shard, state -> new Shard(state, newSessions.get(), engine.newShard(shard)));
        s.sessions.load(DataFormat.readBytes(in));
        long[] gathered = {0};
        GroupCodec.readEntries(in, (key, value) -> {
            s.data.put(key, value);
            gathered[0] += key.bytes().length + value.length;
            if (gathered[0] >= COMMIT_BYTES) {
                engine.commit(); // a durable engine's restore is many steps, or it would gather the whole image
                gathered[0] = 0;
            }
        });
        engine.commit();
        return s;
    }
}
