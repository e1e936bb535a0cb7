package io.shardkv.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.rsm.RsmImageHeader;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A restore moves a controller image to new addresses with one more configuration that moves no shard. */
class ControllerImagesTest {

    private static final int SHARDS = 6;

    @Test
    void appendsAConfigurationWithTheNewServersAndTheSameShards() throws IOException {
        ControllerStateMachine state = new ControllerStateMachine(SHARDS);
        state.apply(1, 10, ControllerCodec.encodeCommand(CtrlerRequest.join(0, 0, 0, Map.of(1, List.of("old:1"),
                2, List.of("old:2")))));
        state.apply(2, 11, ControllerCodec.encodeCommand(CtrlerRequest.move(0, 0, 0, 3, 1)));
        byte[] image = image(state, new RsmImageHeader(11, new byte[] {9, 9}));

        ControllerImages.Rewritten r = ControllerImages.withServers(new ByteArrayInputStream(image), SHARDS,
                Map.of(1, List.of("new:1", "new:11"), 2, List.of("new:2")));
        assertEquals(2, r.backedUp().num());
        assertEquals(3, r.restored().num());
        assertEquals(List.of("new:1", "new:11"), r.restored().groups().get(1));
        assertEquals(r.backedUp().groupOf(3), r.restored().groupOf(3));
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(r.backedUp().groupOf(s), r.restored().groupOf(s), "shard " + s + " stays where it was");
        }

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        r.image().writeTo(written);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(written.toByteArray()));
        RsmImageHeader header = RsmImageHeader.read(in, "rewritten");
        assertEquals(11, header.timeMillis());
        ControllerStateMachine back = new ControllerStateMachine(SHARDS);
        back.restore(in);
        Config latest = back.latest();
        assertEquals(r.restored(), latest);
        assertEquals(List.of("old:1"), back.config(2).groups().get(1), "history is kept as it was");
    }

    @Test
    void refusesAddressesForOtherGroupsThanTheBackups() throws IOException {
        ControllerStateMachine state = new ControllerStateMachine(SHARDS);
        state.apply(1, 10, ControllerCodec.encodeCommand(CtrlerRequest.join(0, 0, 0, Map.of(1, List.of("old:1")))));
        byte[] image = image(state, new RsmImageHeader(10, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControllerImages.withServers(
                new ByteArrayInputStream(image), SHARDS, Map.of(1, List.of("a:1"), 7, List.of("b:1"))));
        assertTrue(e.getMessage().contains("has groups [1]; addresses were given for [1, 7]"), e.getMessage());
    }

    private static byte[] image(ControllerStateMachine state, RsmImageHeader header) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.toBytes());
        state.snapshot().writeTo(out);
        return out.toByteArray();
    }
}
