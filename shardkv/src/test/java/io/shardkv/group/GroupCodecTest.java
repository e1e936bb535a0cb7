package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Corrupt shard group commands and replies are named, with what was expected (the good ones are pinned elsewhere). */
class GroupCodecTest {

    @Test
    void aCommandWithAnUnknownTagIsNamed() {
        byte[] command = GroupCodec.encode(new GroupCommand.GcDone(1, 2));
        command[0] = 9;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GroupCodec.decode(command));
        assertEquals("malformed shard group command (13 bytes): java.io.IOException: shard group command tag 9 is not"
                + " one of 1 to 5 (NEXT_CONFIG, CLIENT_WRITE, INSTALL_CHUNK, GC_DONE, DELETE_SHARD)", e.getMessage());
    }

    @Test
    void aReplyThatIsNoOutcomesOrdinalIsNamed() {
        assertEquals(ShardGroupStateMachine.Reply.NOT_READY, GroupCodec.decodeReply(new byte[] {2}));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GroupCodec.decodeReply(new byte[] {3}));
        assertEquals("shard group reply 3 is not one of [APPLIED, IGNORED, NOT_READY] (0 to 2)", e.getMessage());
    }

    @Test
    void aReplyOfAnotherLengthIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GroupCodec.decodeReply(new byte[0]));
        assertEquals("a shard group reply is 1 byte, not 0", e.getMessage());
    }
}
