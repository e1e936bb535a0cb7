package io.shardkv.redis.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespEncoderTest {

    private static String encode(RespReply reply, int protocol) {
        ByteBuf out = Unpooled.buffer();
        RespEncoder.write(reply, protocol, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesTheTypesBothVersionsShare() {
        for (int protocol : new int[] {2, 3}) {
            assertEquals("+OK\r\n", encode(RespReply.OK, protocol));
            assertEquals("-ERR bad\r\n", encode(RespReply.error("ERR bad"), protocol));
            assertEquals(":-7\r\n", encode(new RespReply.Int(-7), protocol));
            assertEquals("$3\r\n\u00ff\r\n\r\n", encode(new RespReply.Bulk(new byte[] {(byte) 0xff, '\r', '\n'}), protocol));
            assertEquals("*2\r\n:1\r\n$0\r\n\r\n", encode(new RespReply.Array(List.of(new RespReply.Int(1),
                    new RespReply.Bulk(new byte[0]))), protocol));
            assertEquals("*-1\r\n", encode(new RespReply.Array(null), protocol));
        }
    }

    @Test
    void writesResp3TypesAsRedisWritesThemForResp2() {
        RespReply map = new RespReply.Map(List.of(RespReply.bulk("proto"), new RespReply.Int(3)));
        assertEquals("%1\r\n$5\r\nproto\r\n:3\r\n", encode(map, 3));
        assertEquals("*2\r\n$5\r\nproto\r\n:3\r\n", encode(map, 2));
        assertEquals("_\r\n", encode(RespReply.NULL, 3));
        assertEquals("$-1\r\n", encode(RespReply.NULL, 2));
        assertEquals("=6\r\ntxt:ab\r\n", encode(new RespReply.Verbatim("ab"), 3));
        assertEquals("$2\r\nab\r\n", encode(new RespReply.Verbatim("ab"), 2));
    }

    @Test
    void aStatusOrErrorStaysOnOneLine() {
        assertEquals("-ERR a  b\r\n", encode(RespReply.error("ERR a\r\nb"), 2));
    }
}
