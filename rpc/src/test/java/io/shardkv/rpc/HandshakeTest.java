package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.TestTypes.Ping;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shardkv.rpc.Embedded.CLUSTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest {

    private final Codec codec = TestTypes.codec();
    private final RecordingHandler handler = RecordingHandler.echo();

    @Test
    void acceptorAnswersAMatchingHelloWithItsOwnAndThenDispatches() {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        channel.writeInbound(Hello.of(CLUSTER, 7).encode(ByteBufAllocator.DEFAULT));
        Hello answer = readHello(channel);
        assertEquals(Hello.of(CLUSTER, 1), answer);
        assertTrue(channel.isOpen());
        assertNull(channel.pipeline().get(AcceptorHandshake.class));

        channel.writeInbound(Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "after"), codec));
        assertEquals(List.of(new Ping(1, "after")), handler.messages());
        assertEquals(List.of(7), handler.senders());
    }

    @Test
    void acceptorRefusesAnotherClusterIdAndSaysWhy() {
        assertRefused(new Hello(Hello.MAGIC, Hello.VERSION, "other", 7, "", "", ""),
                "cluster id 'other' differs from ours 'test-cluster'");
    }

    @Test
    void acceptorRefusesAnotherVersion() {
        assertRefused(new Hello(Hello.MAGIC, (short) 3, CLUSTER, 7, "", "", ""), "protocol version 3 differs from ours 2");
    }

    @Test
    void acceptorRefusesAnotherMagic() {
        assertRefused(new Hello(0x12345678, Hello.VERSION, CLUSTER, 7, "", "", ""),
                "magic 0x12345678 differs from ours 0x53484B56");
    }

    @Test
    void acceptorRefusesANegativeNodeId() {
        assertRefused(new Hello(Hello.MAGIC, Hello.VERSION, CLUSTER, -1, "", "", ""), "node id -1 is negative");
    }

    @Test
    void aMessageBeforeTheHandshakeClosesTheConnection() {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "early"), codec));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("closing connection from embedded: MESSAGE frame before the handshake completed").size(),
                    log.lines().toString());
        }
        assertTrue(handler.messages().isEmpty());
        channel.finishAndReleaseAll();
    }

    @Test
    void framesAfterAFailedHandshakeAreIgnoredAndReportedOnce() {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        ByteBuf burst = Embedded.concat(Embedded.frame(FrameKind.REQUEST, 1, new Ping(1, "early"), codec),
                Embedded.frame(FrameKind.MESSAGE, 0, new Ping(2, "early"), codec));
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(burst);
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("closing connection").size(), log.lines().toString());
        }
        assertTrue(handler.messages().isEmpty() && handler.requests().isEmpty());
    }

    @Test
    void aMalformedHelloClosesTheConnection() {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        ByteBuf truncated = Unpooled.buffer().writeInt(Hello.MAGIC).writeShort(Hello.VERSION).writeByte(200).writeBytes(new byte[10]);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Frames.raw(ByteBufAllocator.DEFAULT, FrameKind.HELLO, 0, bytes(truncated)));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("malformed HELLO: cluster id needs 200 bytes, 10 left").size(),
                    log.lines().toString());
        }
    }

    @Test
    void aSecondHelloAfterTheHandshakeClosesTheConnection() {
        EmbeddedChannel channel = Embedded.handshakenServer(codec, handler);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Hello.of(CLUSTER, 7).encode(ByteBufAllocator.DEFAULT));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("unexpected HELLO frame from the connecting side").size(),
                    log.lines().toString());
        }
    }

    @Test
    void noHelloWithinTheTimeoutClosesTheConnection() {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        try (LogCapture log = new LogCapture()) {
            channel.advanceTimeBy(4, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertTrue(channel.isOpen());
            channel.advanceTimeBy(2, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("handshake not completed within PT5S").size(), log.lines().toString());
        }
    }

    @Test
    void completedHandshakeCancelsTheTimeout() {
        EmbeddedChannel channel = Embedded.handshakenServer(codec, handler);
        channel.advanceTimeBy(1, TimeUnit.MINUTES);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
    }

    @Test
    void connectorSpeaksFirstAndReportsTheAcceptedPeer() {
        List<Hello> connected = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        EmbeddedChannel channel = Embedded.client(Embedded.CLIENT_CONFIG, codec, new PendingRequests(),
                (ch, peer) -> {
                    channels.add(ch);
                    connected.add(peer);
                });
        assertEquals(Hello.of(CLUSTER, 7), readHello(channel));
        assertTrue(connected.isEmpty());

        channel.writeInbound(Hello.of(CLUSTER, 1).encode(ByteBufAllocator.DEFAULT));
        assertEquals(List.of(Hello.of(CLUSTER, 1)), connected);
        assertEquals(List.of(channel), channels);
        assertTrue(channel.pipeline().get(Handshake.DISPATCHER) instanceof ResponseDispatcher);
    }

    @Test
    void connectorLogsTheRefusalItReceivesAndCloses() {
        List<Hello> connected = new ArrayList<>();
        EmbeddedChannel channel = Embedded.client(Embedded.CLIENT_CONFIG, codec, new PendingRequests(),
                (ch, peer) -> connected.add(peer));
        readHello(channel);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Hello.of("a", 1).refusing("cluster id 'test-cluster' differs from ours 'a'")
                    .encode(ByteBufAllocator.DEFAULT));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("connection to embedded refused by the peer: "
                    + "cluster id 'test-cluster' differs from ours 'a'").size(), log.lines().toString());
        }
        assertTrue(connected.isEmpty());
    }

    @Test
    void connectorRefusesAPeerOfAnotherCluster() {
        List<Hello> connected = new ArrayList<>();
        EmbeddedChannel channel = Embedded.client(Embedded.CLIENT_CONFIG, codec, new PendingRequests(),
                (ch, peer) -> connected.add(peer));
        readHello(channel);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Hello.of("b\nforged line", 1).encode(ByteBufAllocator.DEFAULT));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("refusing connection to embedded: cluster id 'b?forged line' differs"
                    + " from ours 'test-cluster'").size(), log.lines().toString());
        }
        assertTrue(connected.isEmpty());
    }

    private void assertRefused(Hello theirs, String reason) {
        EmbeddedChannel channel = Embedded.server(Embedded.SERVER_CONFIG, codec, handler);
        // A message right behind the refused HELLO must be ignored.
        ByteBuf burst = Embedded.concat(theirs.encode(ByteBufAllocator.DEFAULT),
                Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "x"), codec));
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(burst);
            Hello answer = readHello(channel);
            assertEquals(reason, answer.refusal());
            assertEquals(Hello.MAGIC, answer.magic());
            assertEquals(CLUSTER, answer.clusterId());
            assertFalse(channel.isOpen(), "connection left open after refusing: " + reason);
            assertEquals(List.of("refusing connection from embedded: " + reason),
                    log.linesContaining("refusing connection").stream()
                            .map(line -> line.substring(line.indexOf("refusing"))).toList());
            assertEquals(0, log.linesContaining("closing connection").size(), log.lines().toString());
        }
        assertTrue(handler.messages().isEmpty());
    }

    private static Hello readHello(EmbeddedChannel channel) {
        Frame frame = Embedded.readFrame(channel);
        try {
            assertEquals(FrameKind.HELLO, frame.kind);
            assertEquals(0, frame.correlationId);
            return Hello.decode(frame.content());
        } finally {
            frame.release();
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }
}
