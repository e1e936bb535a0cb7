package io.shardkv.rpc.ctrler;

import io.shardkv.rpc.codec.DataFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link Config} in the durable formats (logs and snapshots of the controller and the shard
 * groups), big-endian:
 * {@code num (8) | shards (4) | gid (4)* | groups (4) | (gid (4) | servers (4) | server (UTF)*)*}.
 * Part of the durable format: change only with a version. A negative count is malformed input.
 */
public final class ConfigCodec {

    private ConfigCodec() {
    }

    public static void write(DataOutput out, Config c) throws IOException {
        out.writeLong(c.num());
        int[] shards = c.shards();
        out.writeInt(shards.length);
        for (int gid : shards) {
            out.writeInt(gid);
        }
        writeGroups(out, c.groups());
    }

    public static Config read(DataInput in) throws IOException {
        long num = in.readLong();
        int[] shards = new int[DataFormat.readCount(in, "shards")];
        for (int s = 0; s < shards.length; s++) {
            shards[s] = in.readInt();
        }
        return new Config(num, shards, readGroups(in));
    }

    public static void writeGroups(DataOutput out, Map<Integer, List<String>> groups) throws IOException {
        out.writeInt(groups.size());
        for (Map.Entry<Integer, List<String>> g : groups.entrySet()) {
            out.writeInt(g.getKey());
            writeServers(out, g.getValue());
        }
    }

    public static SortedMap<Integer, List<String>> readGroups(DataInput in) throws IOException {
        int count = DataFormat.readCount(in, "groups");
        SortedMap<Integer, List<String>> groups = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int gid = in.readInt();
            groups.put(gid, readServers(in));
        }
        return groups;
    }

    public static void writeServers(DataOutput out, List<String> servers) throws IOException {
        out.writeInt(servers.size());
        for (String server : servers) {
            out.writeUTF(server);
        }
    }

    public static List<String> readServers(DataInput in) throws IOException {
        int count = DataFormat.readCount(in, "servers");
        List<String> servers = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            servers.add(in.readUTF());
        }
        return servers;
    }
}
