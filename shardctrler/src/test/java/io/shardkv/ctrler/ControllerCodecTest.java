package io.shardkv.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller's log commands and replies: read back as written, and corrupt ones named. */
class ControllerCodecTest {

    @Test
    void commandsAndRepliesAreReadBackAsWritten() {
        ControllerCodec.Command leave = ControllerCodec.decodeCommand(
                ControllerCodec.encodeCommand(CtrlerRequest.leave(1, 2, 1, List.of(5, 6))));
        assertEquals(List.of(5, 6), leave.gids());
        Config c = Config.initial(3);
        assertEquals(CtrlerResponse.ok(c), ControllerCodec.decodeReply(ControllerCodec.ok(c)));
        assertEquals(CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, "no"),
                ControllerCodec.decodeReply(ControllerCodec.refused("no")));
    }

    @Test
    void aCommandWhoseOpIsNoOpsOrdinalIsNamed() {
        byte[] command = ControllerCodec.encodeCommand(CtrlerRequest.move(1, 2, 1, 0, 5));
        command[0] = 9;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ControllerCodec.decodeCommand(command));
        assertEquals("malformed controller command (9 bytes): java.io.IOException: controller op 9 is not one of"
                + " [JOIN, LEAVE, MOVE, QUERY, SERVERS] (0 to 4)", e.getMessage());
    }

    @Test
    void aLeaveWithANegativeGroupCountIsNamed() {
        byte[] command = ControllerCodec.encodeCommand(CtrlerRequest.leave(1, 2, 1, List.of(5)));
        ByteBuffer.wrap(command).putInt(1, -1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ControllerCodec.decodeCommand(command));
        assertEquals("malformed controller command (9 bytes): java.io.IOException: count of leaving groups is -1,"
                + " expected 0 or more", e.getMessage());
    }

    @Test
    void aReplyWhoseStatusIsNoStatussOrdinalIsNamed() {
        byte[] reply = ControllerCodec.refused("no");
        reply[0] = 6;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ControllerCodec.decodeReply(reply));
        assertEquals("malformed controller reply (5 bytes): java.io.IOException: controller status 6 is not one of"
                + " [OK, WRONG_LEADER, TIMEOUT, BAD_REQUEST, SESSION_EXPIRED, SHUTTING_DOWN] (0 to 5)", e.getMessage());
    }
}
