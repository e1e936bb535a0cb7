package io.shardkv.group;

import static io.shardkv.rpc.codec.DataFormat.enumAt;
import static io.shardkv.rpc.codec.DataFormat.read;
import static io.shardkv.rpc.codec.DataFormat.readBytes;
import static io.shardkv.rpc.codec.DataFormat.readCount;
import static io.shardkv.rpc.codec.DataFormat.write;
import static io.shardkv.rpc.codec.DataFormat.writeBytes;

import io.shardkv.group.engine.ShardView;
import io.shardkv.kv.Key;
import io.shardkv.kv.KvCommands;
import io.shardkv.rpc.ctrler.ConfigCodec;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A shard group's bytes in its log (big-endian; "bytes" = int length + content), and the replies
 * its own commands give:
 * <pre>
 *   NEXT_CONFIG   (1) | config (ConfigCodec)
 *   CLIENT_WRITE  (2) | client id (8) | seq (8) | lowest unacked (8) | KvCommands command bytes
 *   INSTALL_CHUNK (3) | config (8) | shard (4) | handoff (8) | has from (1) | from bytes? |
 *                       entries (4) | (key bytes | value bytes)* | last (1) | sessions bytes
 *   GC_DONE       (4) | shard (4) | handoff (8)
 *   DELETE_SHARD  (5) | shard (4) | handoff (8)
 *   reply:        outcome (1, {@link ShardGroupStateMachine.Reply} ordinal); a client write's reply is KvCommands'
 * </pre>
 * Part of the durable format: change only with a version.
 */
final class GroupCodec {

    private static final byte NEXT_CONFIG = 1;
    private static final byte CLIENT_WRITE = 2;
    private static final byte INSTALL_CHUNK = 3;
    private static final byte GC_DONE = 4;
    private static final byte DELETE_SHARD = 5;

    private GroupCodec() {
    }

    static byte[] encode(GroupCommand c) {
        return write(out -> {
            if (c instanceof GroupCommand.NextConfig n) {
                out.writeByte(NEXT_CONFIG);
                ConfigCodec.write(out, n.config());
            } else if (c instanceof GroupCommand.ClientWrite w) {
                out.writeByte(CLIENT_WRITE);
                KvRequest r = w.request();
                out.writeLong(r.clientId());
                out.writeLong(r.seq());
                out.writeLong(r.lowestUnacked());
                writeBytes(out, KvCommands.encode(r));
            } else if (c instanceof GroupCommand.InstallChunk i) {
                out.writeByte(INSTALL_CHUNK);
                out.writeLong(i.configNum());
                out.writeInt(i.shard());
                out.writeLong(i.handoff());
                out.writeBoolean(i.from() != null);
                if (i.from() != null) {
                    writeBytes(out, i.from().bytes());
                }
                writeEntries(out, i.chunk().entries());
                out.writeBoolean(i.chunk().last());
                writeBytes(out, i.chunk().sessions());
            } else if (c instanceof GroupCommand.GcDone g) {
                out.writeByte(GC_DONE);
                out.writeInt(g.shard());
                out.writeLong(g.handoff());
            } else if (c instanceof GroupCommand.DeleteShard d) {
                out.writeByte(DELETE_SHARD);
                out.writeInt(d.shard());
                out.writeLong(d.handoff());
            }
        });
    }

    static GroupCommand decode(byte[] bytes) {
        return read(bytes, "shard group command", in -> {
            byte kind = in.readByte();
            return switch (kind) {
                case NEXT_CONFIG -> new GroupCommand.NextConfig(ConfigCodec.read(in));
                case CLIENT_WRITE -> {
                    long clientId = in.readLong();
                    long seq = in.readLong();
                    long lowest = in.readLong();
                    KvCommands.Command c = KvCommands.decode(readBytes(in));
                    yield new GroupCommand.ClientWrite(new KvRequest(clientId, seq, lowest, c.op(), c.key(), c.value(),
                            c.op() == KvOp.CAS ? c.expected() : null));
                }
                case INSTALL_CHUNK -> {
                    long config = in.readLong();
                    int shard = in.readInt();
                    long handoff = in.readLong();
                    Key from = in.readBoolean() ? new Key(readBytes(in)) : null;
                    List<Map.Entry<Key, byte[]>> entries = readEntries(in);
                    boolean last = in.readBoolean();
                    yield new GroupCommand.InstallChunk(config, shard, handoff, from,
                            new PullAnswer.Chunk(entries, last, readBytes(in)));
                }
                case GC_DONE -> new GroupCommand.GcDone(in.readInt(), in.readLong());
                case DELETE_SHARD -> new GroupCommand.DeleteShard(in.readInt(), in.readLong());
                default -> throw new IOException("shard group command tag " + kind + " is not one of " + NEXT_CONFIG
                        + " to " + DELETE_SHARD + " (NEXT_CONFIG, CLIENT_WRITE, INSTALL_CHUNK, GC_DONE, DELETE_SHARD)");
            };
        });
    }

    static byte[] encodeReply(ShardGroupStateMachine.Reply reply) {
        return new byte[] {(byte) reply.ordinal()};
    }

    /** Reads what {@link #encodeReply} wrote; anything else is an {@link IllegalStateException} naming it. */
    static ShardGroupStateMachine.Reply decodeReply(byte[] bytes) {
        if (bytes.length != 1) {
            throw new IllegalStateException("a shard group reply is 1 byte, not " + bytes.length);
        }
        return enumAt(ShardGroupStateMachine.Reply.values(), Byte.toUnsignedInt(bytes[0]), "shard group reply");
    }

    /** A shard's entries as a snapshot holds them: the count, then each key and value in key order. */
    static void writeEntries(DataOutputStream out, ShardView entries) throws IOException {
        out.writeInt(Math.toIntExact(entries.size()));
        try {
            entries.scan(null, (key, value) -> {
                try {
                    writeBytes(out, key.bytes());
                    writeBytes(out, value);
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static void writeEntries(DataOutputStream out, Collection<Map.Entry<Key, byte[]>> entries) throws IOException {
        out.writeInt(entries.size());
        for (Map.Entry<Key, byte[]> e : entries) {
            writeBytes(out, e.getKey().bytes());
            writeBytes(out, e.getValue());
        }
    }

    static List<Map.Entry<Key, byte[]>> readEntries(DataInputStream in) throws IOException {
        List<Map.Entry<Key, byte[]>> entries = new ArrayList<>();
        readEntries(in, (key, value) -> entries.add(new AbstractMap.SimpleImmutableEntry<>(key, value)));
        return entries;
    }

    /** Reads what {@link #writeEntries} wrote into {@code sink}, entry by entry. */
    static void readEntries(DataInputStream in, BiConsumer<Key, byte[]> sink) throws IOException {
        int count = readCount(in, "entries");
        for (int i = 0; i < count; i++) {
            Key key = new Key(readBytes(in));
            sink.accept(key, readBytes(in));
        }
    }
}
