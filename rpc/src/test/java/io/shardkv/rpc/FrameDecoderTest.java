package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {

    private static final int MAX = 16 * 1024 * 1024;

    private static EmbeddedChannel decoder() {
        return new EmbeddedChannel(new FrameDecoder(MAX), new ConnectionGuard("from", () -> { }));
    }

    @Test
    void decodesAFrameArrivingOneByteAtATime() {
        EmbeddedChannel channel = decoder();
        ByteBuf bytes = Embedded.rawFrame(9 + 3, FrameKind.MESSAGE.code, 42, new byte[] {1, 2, 3});
        while (bytes.isReadable()) {
            assertNull(channel.readInbound(), "a frame before all its bytes arrived");
            channel.writeInbound(bytes.readRetainedSlice(1));
        }
        bytes.release();
        Frame frame = channel.readInbound();
        assertEquals(FrameKind.MESSAGE, frame.kind);
        assertEquals(42, frame.correlationId);
        assertEquals(3, frame.content().readableBytes());
        frame.release();
        assertTrue(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void decodesSeveralFramesArrivingTogether() {
        EmbeddedChannel channel = decoder();
        // Three frames and the first 8 bytes of a fourth, which stays buffered.
        channel.writeInbound(Embedded.concat(
                Embedded.rawFrame(9 + 1, FrameKind.REQUEST.code, 1, new byte[1]),
                Embedded.rawFrame(9 + 2, FrameKind.REQUEST.code, 2, new byte[2]),
                Embedded.rawFrame(9 + 3, FrameKind.REQUEST.code, 3, new byte[3]),
                Embedded.rawFrame(9 + 4, FrameKind.REQUEST.code, 4, new byte[4]).writerIndex(8)));
        for (int i = 1; i <= 3; i++) {
            Frame frame = channel.readInbound();
            assertEquals(i, frame.correlationId);
            assertEquals(i, frame.content().readableBytes());
            frame.release();
        }
        assertNull(channel.readInbound());
        assertTrue(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void acceptsAnEmptyBody() {
        EmbeddedChannel channel = decoder();
        channel.writeInbound(Embedded.rawFrame(9, FrameKind.MESSAGE.code, 0, new byte[0]));
        Frame frame = channel.readInbound();
        assertEquals(0, frame.content().readableBytes());
        frame.release();
    }

    @Test
    void lengthAboveTheMaximumClosesTheConnection() {
        assertRejected(Unpooled.buffer().writeInt(0x7FFFFFFF).writeByte(2),
                "frame length 2147483647 exceeds maximum 16777216");
        assertRejected(Unpooled.buffer().writeInt(MAX + 1), "frame length 16777217 exceeds maximum 16777216");
    }

    @Test
    void negativeLengthClosesTheConnection() {
        assertRejected(Unpooled.buffer().writeInt(-5).writeLong(0), "frame length -5 is negative");
        assertRejected(Unpooled.buffer().writeInt(0x80000000), "frame length -2147483648 is negative");
    }

    @Test
    void lengthShorterThanTheHeaderClosesTheConnection() {
        assertRejected(Unpooled.buffer().writeInt(8).writeLong(0), "frame length 8 is shorter than the 9-byte header");
        assertRejected(Unpooled.buffer().writeInt(0), "frame length 0 is shorter than the 9-byte header");
    }

    @Test
    void unknownKindClosesTheConnectionBeforeTheBodyArrives() {
        assertRejected(Unpooled.buffer().writeInt(1000).writeByte(0x7f), "unknown frame kind 0x7f");
        assertRejected(Unpooled.buffer().writeInt(1000).writeByte(0), "unknown frame kind 0x00");
    }

    @Test
    void aDeclaredLengthAllocatesNothingUntilTheBytesArrive() {
        EmbeddedChannel channel = decoder();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuf header = Unpooled.buffer().writeInt(MAX).writeByte(FrameKind.MESSAGE.code).writeLong(1);
        long before = threads.getCurrentThreadAllocatedBytes();
        channel.writeInbound(header);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "announcing a 16 MiB frame allocated " + allocated + " bytes");
        assertTrue(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    private static void assertRejected(ByteBuf bytes, String reason) {
        EmbeddedChannel channel = decoder();
        // A valid frame right behind the bad one: discarded with the rest of the stream, not decoded.
        ByteBuf stream = Embedded.concat(bytes, Embedded.rawFrame(9, FrameKind.MESSAGE.code, 0, new byte[0]));
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(stream);
            assertFalse(channel.isOpen(), "still open after: " + reason);
            assertNull(channel.readInbound());
            assertEquals(1, log.linesContaining("closing connection from").size(), log.lines().toString());
            assertEquals(1, log.linesContaining(reason).size(), "expected '" + reason + "' in " + log.lines());
        }
    }
}
