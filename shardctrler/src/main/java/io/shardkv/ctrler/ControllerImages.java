package io.shardkv.ctrler;

import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.RsmImageHeader;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The controller's state read from, and rewritten into, a whole replica image (a snapshot's or a
 * backup's bytes): what a restore does to move a backed-up cluster to new addresses.
 */
public final class ControllerImages {

    /** A controller image's latest configuration and its rewritten form. */
    public record Rewritten(Config backedUp, Config restored, SnapshotImage image) {
    }

    private ControllerImages() {
    }

    /**
     * Reads {@code image} (the controller's state for {@code numShards} shards) and appends one
     * configuration that records {@code servers} for its groups and moves no shard — as the
     * {@code SERVERS} command does at a running controller. {@code servers} must name exactly the
     * groups of the latest configuration.
     */
    public static Rewritten withServers(InputStream image, int numShards, Map<Integer, List<String>> servers)
            throws IOException {
        DataInputStream in = new DataInputStream(image);
        RsmImageHeader header = RsmImageHeader.read(in, "the controller image");
        ControllerStateMachine state = new ControllerStateMachine(numShards);
        state.restore(in);
        Config latest = state.latest();
        if (!new TreeSet<>(latest.groups().keySet()).equals(new TreeSet<>(servers.keySet()))) {
            throw new IllegalArgumentException("the backed-up configuration " + latest.num() + " has groups "
                    + new TreeSet<>(latest.groups().keySet()) + "; addresses were given for " + new TreeSet<>(servers.keySet()));
        }
        byte[] command = ControllerCodec.encodeCommand(CtrlerRequest.servers(0, 0, 0, servers));
        CtrlerResponse reply = ControllerCodec.decodeReply(state.apply(0, header.timeMillis(), command));
        if (reply.status() != CtrlerStatus.OK) {
            throw new IllegalArgumentException("the new addresses were refused: " + reply.message());
        }
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        rewritten.write(header.toBytes());
        state.snapshot().writeTo(rewritten);
        return new Rewritten(latest, reply.config(), SnapshotImage.of(rewritten.toByteArray()));
    }
}
