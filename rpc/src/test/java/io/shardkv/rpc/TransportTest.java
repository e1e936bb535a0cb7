package io.shardkv.rpc;

import io.netty.channel.epoll.Epoll;
import io.shardkv.rpc.TestTypes.Blob;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.TestTypes.Unregistered;
import io.shardkv.rpc.codec.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real sockets on 127.0.0.1 with ephemeral ports. Time limits are generous liveness bounds only. */
class TransportTest {

    private static final Duration LIVENESS = Duration.ofSeconds(30);
    private static final Codec CODEC = TestTypes.codec();
    private static EventLoops loops;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(config("test").ioThreads(2).build());
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @AfterEach
    void closeResources() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void aRequestGetsItsResponse() throws Exception {
        RecordingHandler handler = new RecordingHandler(request -> CompletableFuture.completedFuture(
                new Ping(((Ping) request).seq() + 1, "re: " + ((Ping) request).text())));
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);

        Object response = peer.request(new Ping(41, "hello"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);

        assertEquals(new Ping(42, "re: hello"), response);
        assertEquals(List.of(2), handler.senders());
        assertTrue(peer.isConnected());
    }

    @ParameterizedTest(name = "preferNativeTransport={0}")
    @ValueSource(booleans = {true, false})
    void worksOnBothNativeAndNioEventLoops(boolean preferNative) throws Exception {
        TransportConfig config = config("test").nodeId(1).ioThreads(1).preferNativeTransport(preferNative).build();
        try (Transport transport = Transport.create(config, CODEC)) {
            RpcServer server = transport.listen(new InetSocketAddress("127.0.0.1", 0), new RecordingHandler(CompletableFuture::completedFuture));
            PeerConnection peer = transport.connect(server.localAddress());
            assertEquals(new Ping(1, "x"), peer.request(new Ping(1, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
            peer.close();
            server.close();
        }
        try (EventLoops own = EventLoops.create(config)) {
            assertEquals(preferNative && Epoll.isAvailable(), own.isNative());
        }
    }

    @Test
    void listensOnAConfiguredHostNameAndNamesAnUnresolvableOne() throws Exception {
        try (Transport transport = Transport.create(config("test").nodeId(1).build(), CODEC)) {
            RpcServer server = transport.listen(HostPort.parse("localhost:" + unusedAddress().getPort()),
                    new RecordingHandler(CompletableFuture::completedFuture));
            PeerConnection peer = transport.connect(server.localAddress());
            assertEquals(new Ping(2, "y"), peer.request(new Ping(2, "y"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
            peer.close();
            server.close();
            IOException e = assertThrows(IOException.class, () -> transport.listen(
                    HostPort.parse("no-such-host.invalid:7000"), new RecordingHandler(CompletableFuture::completedFuture)));
            assertTrue(e.getMessage().contains("no-such-host.invalid:7000"), e.getMessage());
        }
    }

    @Test
    void concurrentRequestsOnOneConnectionAreMatchedToTheirResponses() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(4);
        resources.add(workers::shutdownNow);
        // Answers come back from several threads, so out of order.
        RecordingHandler handler = new RecordingHandler(request -> CompletableFuture.supplyAsync(
                () -> new Ping(((Ping) request).seq() * 2, ((Ping) request).text()), workers));
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);

        int threads = 4;
        int perThread = 1_000;
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            callers.add(CompletableFuture.runAsync(() -> {
                List<CompletableFuture<Object>> responses = new ArrayList<>();
                for (int i = first; i < first + perThread; i++) {
                    responses.add(peer.request(new Ping(i, "n" + i), LIVENESS));
                }
                for (int i = 0; i < perThread; i++) {
                    long seq = first + i;
                    assertEquals(new Ping(seq * 2, "n" + seq), responses.get(i).join());
                }
            }));
        }
        CompletableFuture.allOf(callers.toArray(new CompletableFuture<?>[0])).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
        assertEquals(threads * perThread, handler.requests().size());
        assertEquals(0, peer.pendingRequests());
    }

    @Test
    void oneWayMessagesArriveInOrder() throws Exception {
        RecordingHandler handler = new RecordingHandler(CompletableFuture::completedFuture);
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2).maxQueuedMessages(100_000), server);

        int count = 20_000;
        for (int i = 0; i < count; i++) {
            assertTrue(peer.send(new Ping(i, "m")));
        }
        await(() -> handler.messages().size() == count, "all messages delivered");
        assertEquals(LongStream.range(0, count).boxed().toList(),
                handler.messages().stream().map(message -> ((Ping) message).seq()).toList());
        assertEquals(0, peer.droppedMessages());
        await(() -> peer.sentMessages() == count && peer.queuedMessages() == 0, "queue drained");
    }

    @Test
    void reconnectsAfterTheServerRestartsOnTheSamePort() throws Exception {
        RecordingHandler first = new RecordingHandler(CompletableFuture::completedFuture);
        RpcServer server = listen(config("test").nodeId(1), first);
        InetSocketAddress address = server.localAddress();
        int capacity = 100;
        PeerConnection peer = connect(config("test").nodeId(2).maxQueuedMessages(capacity)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)), server);
        peer.send(new Ping(-1, "before"));
        await(() -> first.messages().size() == 1, "first message delivered");

        server.close();
        await(() -> !peer.isConnected(), "the client noticed the server is gone");
        int accepted = 0;
        for (int i = 0; i < 250; i++) {
            accepted += peer.send(new Ping(i, "while down")) ? 1 : 0;
        }
        assertEquals(capacity, accepted);
        assertEquals(250 - capacity, peer.droppedMessages());
        assertEquals(capacity, peer.queuedMessages());

        RecordingHandler second = new RecordingHandler(CompletableFuture::completedFuture);
        RpcServer restarted = Transport.create(config("test").nodeId(1).build(), CODEC, loops).listen(address, second);
        resources.add(restarted);
        await(() -> second.messages().size() == capacity, "queued messages delivered after the restart");
        assertEquals(LongStream.range(0, capacity).boxed().toList(),
                second.messages().stream().map(message -> ((Ping) message).seq()).toList());
        assertTrue(peer.isConnected());
        assertEquals(1, peer.reconnects());
        assertEquals(250 - capacity, peer.droppedMessages());
    }

    @Test
    void requestsPendingWhenTheConnectionDiesFailPromptly() throws Exception {
        RecordingHandler handler = new RecordingHandler(request -> new CompletableFuture<>()); // never answers
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);
        List<CompletableFuture<Object>> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(peer.request(new Ping(i, "stuck"), Duration.ofHours(1)));
        }
        await(() -> handler.requests().size() == 10, "requests reached the server");

        server.close();

        for (CompletableFuture<Object> request : requests) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> request.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(ConnectionLostException.class, e.getCause());
        }
        assertEquals(0, peer.pendingRequests());
    }

    @Test
    void requestsToAnUnreachablePeerFailWithoutWaitingForTheirTimeout() {
        PeerConnection peer = transport(config("test").nodeId(2)).connect(unusedAddress());
        resources.add(peer);
        CompletableFuture<Object> request = peer.request(new Ping(1, "anyone?"), Duration.ofHours(1));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> request.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(ConnectionLostException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("cannot connect"), e.getCause().getMessage());
    }

    @Test
    void aFailingHandlerReachesTheCallerAsARemoteException() throws Exception {
        RecordingHandler handler = new RecordingHandler(request ->
                CompletableFuture.failedFuture(new UnsupportedOperationException("no such command")));
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> peer.request(new Ping(1, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(RemoteException.class, e.getCause());
        assertEquals("java.lang.UnsupportedOperationException: no such command", e.getCause().getMessage());
        assertTrue(peer.isConnected());
        assertEquals(1, server.counters().failedRequests(), "the failure is counted for metrics");
        assertEquals(0, server.counters().protocolErrors());
    }

    @Test
    void aConnectionThatBreaksTheProtocolIsClosedAndCounted() throws Exception {
        RpcServer server = listen(config("test").nodeId(1), new RecordingHandler(CompletableFuture::completedFuture));
        try (Socket raw = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            raw.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0});
            raw.getOutputStream().flush();
            assertEquals(-1, raw.getInputStream().read(), "the server closes a connection that sends a negative length");
        }
        await(() -> server.counters().protocolErrors() == 1, "the protocol error is counted");
        assertEquals(0, server.counters().failedRequests());
    }

    @Test
    void aRequestWithoutResponseTimesOut() throws Exception {
        RpcServer server = listen(config("test").nodeId(1), new RecordingHandler(request -> new CompletableFuture<>()));
        PeerConnection peer = connect(config("test").nodeId(2), server);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> peer.request(new Ping(1, "x"), Duration.ofMillis(100)).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(0, peer.pendingRequests());
    }

    /**
     * A server closing gracefully lets an answer computed after the close began reach its client
     * (the answer is written on another thread while the close waits), then closes the connection.
     */
    @Test
    void aGracefulCloseDeliversAnswersComputedWhileItWaits() throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler(request -> answer);
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);
        CompletableFuture<Object> reply = peer.request(new Ping(1, "slow"), LIVENESS);
        await(() -> handler.requests().size() == 1, "the request reached the handler");
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            try {
                server.closeGracefully(LIVENESS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> !server.isListening(), "the close began");
        assertFalse(closed.isDone(), "a graceful close waits for the request it received");
        answer.complete(new Ping(1, "done"));
        assertEquals(new Ping(1, "done"), reply.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        closed.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
        await(() -> !peer.isConnected(), "the connection closes once the answer is out");
    }

    /** A request that is never answered holds a graceful close for its grace period only. */
    @Test
    void aGracefulCloseGivesUpOnAnUnansweredRequestAfterItsGrace() throws Exception {
        RecordingHandler handler = new RecordingHandler(request -> new CompletableFuture<>());
        RpcServer server = listen(config("test").nodeId(1), handler);
        PeerConnection peer = connect(config("test").nodeId(2), server);
        CompletableFuture<Object> reply = peer.request(new Ping(1, "never"), LIVENESS);
        await(() -> handler.requests().size() == 1, "the request reached the handler");
        server.closeGracefully(Duration.ofMillis(200));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> reply.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(ConnectionLostException.class, e.getCause());
    }

    @Test
    void tooManyPendingRequestsAreRejectedAtOnce() throws Exception {
        RpcServer server = listen(config("test").nodeId(1), new RecordingHandler(request -> new CompletableFuture<>()));
        PeerConnection peer = connect(config("test").nodeId(2).maxPendingRequests(5), server);
        for (int i = 0; i < 5; i++) {
            peer.request(new Ping(i, "x"), LIVENESS);
        }
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> peer.request(new Ping(5, "x"), LIVENESS).get(0, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
    }

    @Test
    void aPeerOfAnotherClusterIsRefusedWithTheReasonLoggedOnBothSides() throws Exception {
        RecordingHandler handler = new RecordingHandler(CompletableFuture::completedFuture);
        try (LogCapture log = new LogCapture()) {
            RpcServer server = listen(config("alpha").nodeId(1), handler);
            PeerConnection peer = transport(config("beta").nodeId(2)).connect(server.localAddress());
            resources.add(peer);
            peer.send(new Ping(1, "let me in"));
            CompletableFuture<Object> request = peer.request(new Ping(2, "let me in"), LIVENESS);

            String refusing = log.awaitLine("refusing connection from", LIVENESS);
            assertTrue(refusing.endsWith("cluster id 'beta' differs from ours 'alpha'"), refusing);
            String refused = log.awaitLine("refused by the peer", LIVENESS);
            assertTrue(refused.contains(":" + server.localAddress().getPort() + " refused"), refused);
            assertTrue(refused.endsWith("cluster id 'beta' differs from ours 'alpha'"), refused);

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> request.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(ConnectionLostException.class, e.getCause());
            assertFalse(peer.isConnected());
            peer.close();
            await(() -> server.connectionCount() == 0, "refused connections closed");
        }
        assertTrue(handler.messages().isEmpty(), "nothing may be delivered from a refused peer");
        assertTrue(handler.requests().isEmpty(), "nothing may be delivered from a refused peer");
    }

    @Test
    void aFullQueueDropsAndCountsMessages() throws Exception {
        // A peer that completes TCP connections (in the kernel's backlog) but never answers the
        // handshake: the connection stays up and not ready, so frames can only queue.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PeerConnection peer = transport(config("test").nodeId(2).maxQueuedMessages(10)
                    .handshakeTimeout(Duration.ofMinutes(5))).connect((InetSocketAddress) silent.getLocalSocketAddress());
            resources.add(peer);
            int accepted = 0;
            for (int i = 0; i < 25; i++) {
                accepted += peer.send(new Ping(i, "nobody answers")) ? 1 : 0;
            }
            assertEquals(10, accepted);
            assertEquals(15, peer.droppedMessages());
            assertEquals(10, peer.queuedMessages());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> peer.request(new Ping(99, "x"), LIVENESS).get(0, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertEquals(0, peer.pendingRequests());

            peer.close();
            assertFalse(peer.send(new Ping(100, "after close")));
            // The queued messages are discarded on the event loop, and count as dropped too.
            await(() -> peer.queuedMessages() == 0, "queue released on close");
            assertEquals(26, peer.droppedMessages());
        }
    }

    @Test
    void requestsThatFailWhileQueuedGiveTheirRoomBack() throws Exception {
        PeerConnection peer = transport(config("test").nodeId(2).maxQueuedMessages(10)).connect(unusedAddress());
        resources.add(peer);
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<Object>> requests = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                requests.add(peer.request(new Ping(i, "anyone?"), LIVENESS));
            }
            for (CompletableFuture<Object> request : requests) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> request.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
                assertInstanceOf(ConnectionLostException.class, e.getCause(), "round " + round);
            }
            await(() -> peer.queuedMessages() == 0, "failed requests left the queue");
        }
    }

    @Test
    void unregisteredOrOversizedMessagesAreRefusedAtTheCall() {
        PeerConnection peer = transport(config("test").nodeId(2).maxFrameBytes(4096)).connect(unusedAddress());
        resources.add(peer);
        IllegalArgumentException unregistered = assertThrows(IllegalArgumentException.class,
                () -> peer.send(new Unregistered(1)));
        assertTrue(unregistered.getMessage().contains("is not registered"), unregistered.getMessage());
        IllegalArgumentException oversized = assertThrows(IllegalArgumentException.class,
                () -> peer.request(new Blob(new byte[5000]), LIVENESS));
        assertTrue(oversized.getMessage().contains("exceeds the 4087 bytes available"), oversized.getMessage());
        assertEquals(0, peer.queuedMessages());
        assertEquals(0, peer.pendingRequests());
    }

    private static TransportConfig.Builder config(String cluster) {
        return TransportConfig.builder(cluster).reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(500));
    }

    private Transport transport(TransportConfig.Builder config) {
        return Transport.create(config.build(), CODEC, loops);
    }

    private RpcServer listen(TransportConfig.Builder config, RpcHandler handler) throws IOException {
        RpcServer server = transport(config).listen(new InetSocketAddress("127.0.0.1", 0), handler);
        resources.add(server);
        return server;
    }

    private PeerConnection connect(TransportConfig.Builder config, RpcServer server) throws InterruptedException {
        PeerConnection peer = transport(config).connect(server.localAddress());
        resources.add(peer);
        await(peer::isConnected, "connected to " + server.localAddress());
        return peer;
    }

    /** An address nobody listens on (a port just released by the system). */
    private static InetSocketAddress unusedAddress() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIVENESS + ": " + what);
            }
            Thread.sleep(5);
        }
    }
}
