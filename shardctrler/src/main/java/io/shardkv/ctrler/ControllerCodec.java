package io.shardkv.ctrler;

import static io.shardkv.rpc.codec.DataFormat.read;
import static io.shardkv.rpc.codec.DataFormat.readCount;
import static io.shardkv.rpc.codec.DataFormat.readEnum;
import static io.shardkv.rpc.codec.DataFormat.write;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ConfigCodec;
import io.shardkv.rpc.ctrler.CtrlerOp;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The controller's bytes in the Raft log, in cached replies and in snapshots (big-endian, via
 * Data streams; strings as modified UTF-8):
 * <pre>
 *   command: op (1) | JOIN, SERVERS: count (4), (gid (4) | servers (4) | server (UTF)*)*
 *                   | LEAVE: count (4), gid (4)*   | MOVE: shard (4) | gid (4)
 *   query:   num (8)
 *   reply:   status (1) | OK: config | else: message (UTF)
 *   config:  num (8) | shards (4) | gid (4)* | groups (4) | (gid (4) | servers (4) | server (UTF)*)*
 * </pre>
 * Part of the durable format: change only with a version.
 */
final class ControllerCodec {

    private ControllerCodec() {
    }

    /** A decoded change. */
    record Command(CtrlerOp op, SortedMap<Integer, List<String>> joins, List<Integer> gids, int shard) {
    }

    static byte[] encodeCommand(CtrlerRequest r) {
        return write(out -> {
            out.writeByte(r.op().ordinal());
            switch (r.op()) {
                case JOIN, SERVERS -> ConfigCodec.writeGroups(out, r.joins());
                case LEAVE -> {
                    out.writeInt(r.gids().size());
                    for (int gid : r.gids()) {
                        out.writeInt(gid);
                    }
                }
                case MOVE -> {
                    out.writeInt(r.shard());
                    out.writeInt(r.gids().isEmpty() ? 0 : r.gids().get(0));
                }
                case QUERY -> throw new IllegalArgumentException("queries are never logged");
            }
        });
    }

    static Command decodeCommand(byte[] bytes) {
        return read(bytes, "controller command", in -> {
            CtrlerOp op = readEnum(in, CtrlerOp.values(), "controller op");
            return switch (op) {
                case JOIN, SERVERS -> new Command(op, ConfigCodec.readGroups(in), List.of(), 0);
                case LEAVE -> {
                    int count = readCount(in, "leaving groups");
                    List<Integer> gids = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        gids.add(in.readInt());
                    }
                    yield new Command(op, new TreeMap<>(), gids, 0);
                }
                case MOVE -> {
                    int shard = in.readInt();
                    yield new Command(op, new TreeMap<>(), List.of(in.readInt()), shard);
                }
                case QUERY -> throw new IllegalStateException("a query in the log");
            };
        });
    }

    static byte[] encodeQuery(long num) {
        return write(out -> out.writeLong(num));
    }

    static long decodeQuery(byte[] bytes) {
        return read(bytes, "controller query", DataInputStream::readLong);
    }

    static byte[] ok(Config config) {
        return write(out -> {
            out.writeByte(CtrlerStatus.OK.ordinal());
            ConfigCodec.write(out, config);
        });
    }

    static byte[] refused(String message) {
        return write(out -> {
            out.writeByte(CtrlerStatus.BAD_REQUEST.ordinal());
            out.writeUTF(message);
        });
    }

    static CtrlerResponse decodeReply(byte[] bytes) {
        return read(bytes, "controller reply", in -> {
            CtrlerStatus status = readEnum(in, CtrlerStatus.values(), "controller status");
            return status == CtrlerStatus.OK ? CtrlerResponse.ok(ConfigCodec.read(in))
                    : CtrlerResponse.refused(status, in.readUTF());
        });
    }
}
