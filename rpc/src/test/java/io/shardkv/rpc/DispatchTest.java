package io.shardkv.rpc;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardkv.rpc.TestTypes.Blob;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.TestTypes.Unregistered;
import io.shardkv.rpc.codec.Codec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.shardkv.rpc.Embedded.CLUSTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchTest {

    private final Codec codec = TestTypes.codec();

    @Test
    void messagesReachTheHandlerWithTheSendersNodeIdInOrder() {
        RecordingHandler handler = RecordingHandler.echo();
        EmbeddedChannel channel = Embedded.handshakenServer(codec, handler);
        channel.writeInbound(Embedded.concat(
                Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "a"), codec),
                Embedded.frame(FrameKind.MESSAGE, 0, new Ping(2, "b"), codec)));
        assertEquals(List.of(new Ping(1, "a"), new Ping(2, "b")), handler.messages());
        assertEquals(List.of(7, 7), handler.senders());
        assertNull(channel.readOutbound(), "a message is not answered");
    }

    @Test
    void aRequestIsAnsweredWithTheSameCorrelationId() {
        RecordingHandler handler = RecordingHandler.echo();
        EmbeddedChannel channel = Embedded.handshakenServer(codec, handler);
        channel.writeInbound(Embedded.frame(FrameKind.REQUEST, 12345, new Ping(3, "echo me"), codec));
        Frame response = Embedded.readFrame(channel);
        assertEquals(FrameKind.RESPONSE, response.kind);
        assertEquals(12345, response.correlationId);
        assertEquals(new Ping(3, "echo me"), codec.decode(response.content()));
        response.release();
    }

    @Test
    void aResponseCompletedLaterIsStillSent() {
        CompletableFuture<Object> later = new CompletableFuture<>();
        EmbeddedChannel channel = Embedded.handshakenServer(codec, new RecordingHandler(request -> later));
        channel.writeInbound(Embedded.frame(FrameKind.REQUEST, 9, new Ping(1, "slow"), codec));
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
        later.complete(null);
        Frame response = Embedded.readFrame(channel);
        assertEquals(FrameKind.RESPONSE, response.kind);
        assertEquals(9, response.correlationId);
        assertNull(codec.decode(response.content()));
        response.release();
    }

    @Test
    void aFailedRequestIsAnsweredWithAnErrorNotAStackTrace() {
        EmbeddedChannel channel = Embedded.handshakenServer(codec, new RecordingHandler(
                request -> CompletableFuture.failedFuture(new IllegalStateException("not the leader"))));
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Embedded.frame(FrameKind.REQUEST, 5, new Ping(1, "x"), codec));
            assertEquals(1, log.linesContaining("request #5 (" + Ping.class.getName() + ") from node 7").size());
        }
        Frame error = Embedded.readFrame(channel);
        assertEquals(FrameKind.ERROR, error.kind);
        assertEquals(5, error.correlationId);
        assertEquals("java.lang.IllegalStateException: not the leader", error.content().toString(StandardCharsets.UTF_8));
        error.release();
        assertTrue(channel.isOpen());
    }

    @Test
    void aHandlerThatThrowsOrReturnsNullOrAnUnencodableValueAnswersWithAnError() {
        List<RecordingHandler> handlers = List.of(
                new RecordingHandler(request -> {
                    throw new IllegalArgumentException("bad request");
                }),
                new RecordingHandler(request -> null),
                new RecordingHandler(request -> CompletableFuture.completedFuture(new Unregistered(1))));
        List<String> expected = List.of("java.lang.IllegalArgumentException: bad request",
                "java.lang.IllegalStateException: onRequest returned null",
                "java.lang.IllegalArgumentException: class " + Unregistered.class.getName() + " is not registered");
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < handlers.size(); i++) {
                EmbeddedChannel channel = Embedded.handshakenServer(codec, handlers.get(i));
                channel.writeInbound(Embedded.frame(FrameKind.REQUEST, 1, new Ping(1, "x"), codec));
                Frame error = Embedded.readFrame(channel);
                assertEquals(FrameKind.ERROR, error.kind);
                String reason = error.content().toString(StandardCharsets.UTF_8);
                assertTrue(reason.startsWith(expected.get(i)), reason);
                error.release();
                assertTrue(channel.isOpen());
            }
            assertEquals(3, log.linesContaining("request #1 (" + Ping.class.getName() + ") from node 7 at embedded failed").size(),
                    log.lines().toString());
        }
    }

    @Test
    void anUndecodableBodyClosesOnlyThatConnection() {
        RecordingHandler handler = RecordingHandler.echo();
        EmbeddedChannel bad = Embedded.handshakenServer(codec, handler);
        EmbeddedChannel good = Embedded.handshakenServer(codec, handler);
        try (LogCapture log = new LogCapture()) {
            // Class id 1000 is not registered.
            bad.writeInbound(Embedded.rawFrame(9 + 2, FrameKind.MESSAGE.code, 0, new byte[] {(byte) 0xea, 0x07}));
            assertFalse(bad.isOpen());
            assertEquals(1, log.linesContaining("closing connection from embedded: undecodable MESSAGE body"
                    + " (correlation id 0): cannot decode a 2-byte message: Encountered unregistered class ID: 1000").size(),
                    log.lines().toString());
        }
        good.writeInbound(Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "fine"), codec));
        assertTrue(good.isOpen());
        assertEquals(List.of(new Ping(1, "fine")), handler.messages());
    }

    @Test
    void aNullMessageOrRequestIsAProtocolError() {
        for (FrameKind kind : List.of(FrameKind.MESSAGE, FrameKind.REQUEST)) {
            RecordingHandler handler = RecordingHandler.echo();
            EmbeddedChannel channel = Embedded.handshakenServer(codec, handler);
            try (LogCapture log = new LogCapture()) {
                channel.writeInbound(Embedded.rawFrame(9 + 1, kind.code, 3, new byte[] {0}));
                assertFalse(channel.isOpen());
                assertEquals(1, log.linesContaining(kind + " frame (correlation id 3) has a null body").size(),
                        log.lines().toString());
            }
            assertTrue(handler.messages().isEmpty() && handler.requests().isEmpty());
        }
    }

    @Test
    void aResponseSentToTheServerClosesTheConnection() {
        for (FrameKind kind : List.of(FrameKind.RESPONSE, FrameKind.ERROR)) {
            EmbeddedChannel channel = Embedded.handshakenServer(codec, RecordingHandler.echo());
            try (LogCapture log = new LogCapture()) {
                channel.writeInbound(Embedded.rawFrame(9, kind.code, 1, new byte[0]));
                assertFalse(channel.isOpen());
                assertEquals(1, log.linesContaining("unexpected " + kind + " frame from the connecting side").size());
            }
        }
    }

    @Test
    void aHandlerThatThrowsOnAMessageClosesTheConnectionWithItsStackTrace() {
        RpcHandler failing = new RpcHandler() {
            @Override
            public void onMessage(int fromNodeId, Object message) {
                throw new IllegalStateException("handler bug");
            }

            @Override
            public CompletableFuture<?> onRequest(int fromNodeId, Object request) {
                return CompletableFuture.completedFuture(request);
            }
        };
        EmbeddedChannel channel = Embedded.handshakenServer(codec, failing);
        try (LogCapture log = new LogCapture()) {
            channel.writeInbound(Embedded.frame(FrameKind.MESSAGE, 0, new Ping(1, "x"), codec));
            assertFalse(channel.isOpen());
            assertEquals(1, log.linesContaining("closing connection from embedded after an unexpected exception:"
                    + " java.lang.IllegalStateException: handler bug").size(), log.lines().toString());
            assertTrue(log.lines().stream().anyMatch(line -> line.contains("at io.shardkv.rpc.DispatchTest")),
                    "a bug is logged with its stack trace");
        }
    }

    @Test
    void responsesCompleteTheirPendingRequests() throws Exception {
        PendingRequests pending = new PendingRequests();
        EmbeddedChannel channel = handshakenClient(pending);
        CompletableFuture<Object> first = pending.register(1, java.time.Duration.ofMinutes(1), channel.eventLoop(), "peer");
        CompletableFuture<Object> second = pending.register(2, java.time.Duration.ofMinutes(1), channel.eventLoop(), "peer");
        channel.writeInbound(Embedded.concat(
                Embedded.frame(FrameKind.RESPONSE, 2, new Blob(new byte[] {2}), codec),
                Frames.raw(ByteBufAllocator.DEFAULT, FrameKind.ERROR, 1, "java.lang.IllegalStateException: no\nway".getBytes(StandardCharsets.UTF_8)),
                Embedded.frame(FrameKind.RESPONSE, 99, new Ping(99, "late"), codec)));
        assertEquals(2, ((Blob) second.get(0, TimeUnit.SECONDS)).data()[0]);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> first.get(0, TimeUnit.SECONDS));
        RemoteException remote = assertInstanceOf(RemoteException.class, failure.getCause());
        assertEquals("java.lang.IllegalStateException: no?way", remote.getMessage());
        assertEquals(0, pending.size());
        assertTrue(channel.isOpen(), "a response to an unknown request is dropped, not an error");
    }

    @Test
    void requestsTimeOutWhenNoResponseArrives() {
        PendingRequests pending = new PendingRequests();
        EmbeddedChannel channel = handshakenClient(pending);
        CompletableFuture<Object> request = pending.register(1, java.time.Duration.ofSeconds(3), channel.eventLoop(), "peer");
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> request.get(0, TimeUnit.SECONDS));
        assertEquals("request #1 to peer got no response within PT3S", failure.getCause().getMessage());
        assertInstanceOf(java.util.concurrent.TimeoutException.class, failure.getCause());
    }

    @Test
    void aRequestOrMessageSentToTheClientClosesTheConnection() {
        for (FrameKind kind : List.of(FrameKind.REQUEST, FrameKind.MESSAGE, FrameKind.HELLO)) {
            EmbeddedChannel channel = handshakenClient(new PendingRequests());
            try (LogCapture log = new LogCapture()) {
                channel.writeInbound(Embedded.frame(kind, 1, new Ping(1, "x"), codec));
                assertFalse(channel.isOpen());
                assertEquals(1, log.linesContaining("closing connection to embedded: unexpected " + kind
                        + " frame from the accepting side").size(), log.lines().toString());
            }
        }
    }

    private EmbeddedChannel handshakenClient(PendingRequests pending) {
        EmbeddedChannel channel = Embedded.client(Embedded.CLIENT_CONFIG, codec, pending, (ch, peer) -> { });
        Embedded.readFrame(channel).release();
        channel.writeInbound(Hello.of(CLUSTER, 1).encode(ByteBufAllocator.DEFAULT));
        return channel;
    }
}
