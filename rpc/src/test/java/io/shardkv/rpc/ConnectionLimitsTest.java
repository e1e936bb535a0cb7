package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.shardkv.rpc.ConnectionLimits.Limit;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.codec.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's connection limits on real sockets: raw sockets play the hostile side (several from
 * 127.0.0.2, which Linux routes to loopback like 127.0.0.1), PeerConnections the well-behaved one.
 * Time limits are generous liveness bounds only; waits for "nothing happens" are several times the
 * limit they check.
 */
class ConnectionLimitsTest {

    private static final Duration LIVENESS = Duration.ofSeconds(30);
    private static final String CLUSTER = "limits";
    private static final Codec CODEC = TestTypes.codec();
    private static EventLoops loops;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
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
    void connectionsBeyondTheLimitAreRefusedNamingItAndTheOthersKeepWorking() throws Exception {
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withMaxConnections(2, 2), RecordingHandler.echo());
        PeerConnection first = connect(server);
        PeerConnection second = connect(server);

        PeerConnection third = transport().connect(server.localAddress());
        resources.add(third);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> third.request(new Ping(3, "c"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(ConnectionLostException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("refused by the server: the server already has 2"
                + " connections open, the most --max-connections allows"), refused.getCause().getMessage());
        assertTrue(server.counters().limitHits(Limit.CONNECTIONS) >= 1);

        assertEquals(new Ping(1, "a"), first.request(new Ping(1, "a"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        second.close();
        await(() -> third.isConnected(), "the third connection admitted once the second closed");
        assertEquals(2, server.counters().openConnections());
    }

    @Test
    void oneAddressCannotTakeEveryConnection() throws Exception {
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withMaxConnections(100, 2), RecordingHandler.echo());
        RawPeer a = raw(server, "127.0.0.2");
        RawPeer b = raw(server, "127.0.0.2");
        assertFalse(a.hello(0).refused());
        assertFalse(b.hello(0).refused());

        Hello refusal = raw(server, "127.0.0.2").hello(0);

        assertEquals("the server already has 2 connections from 127.0.0.2, the most --max-connections-per-address"
                + " allows", refusal.refusal());
        assertEquals(1, server.counters().limitHits(Limit.CONNECTIONS_PER_ADDRESS));
        PeerConnection local = connect(server);
        assertEquals(new Ping(1, "x"), local.request(new Ping(1, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void anIdleClientConnectionIsClosedButAPeersIsNot() throws Exception {
        Duration idle = Duration.ofMillis(300);
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withClientIdleTimeout(idle), RecordingHandler.echo());
        RawPeer client = raw(server, "127.0.0.1");
        RawPeer member = raw(server, "127.0.0.1");
        RawPeer halfSent = raw(server, "127.0.0.1");
        client.hello(0);
        member.hello(5);
        halfSent.hello(0);
        // Half a frame is not activity: the connection holding it is idle too.
        halfSent.send(Unpooled.buffer().writeInt(1000).writeByte(FrameKind.REQUEST.code).writeLong(1)
                .writeBytes(new byte[100]));

        client.awaitClosed();
        halfSent.awaitClosed();
        Thread.sleep(idle.multipliedBy(5).toMillis());
        assertTrue(member.isOpen(), "a cluster member's connection is not closed for idleness");
        assertEquals(2, server.counters().limitHits(Limit.CLIENT_IDLE_TIMEOUT));
    }

    @Test
    void aClientWaitingForASlowAnswerIsNotIdle() throws Exception {
        Duration idle = Duration.ofMillis(200);
        CompletableFuture<Object> slow = new CompletableFuture<>();
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withClientIdleTimeout(idle), new RecordingHandler(r -> slow));
        PeerConnection client = connect(server);
        CompletableFuture<Object> answer = client.request(new Ping(1, "slow"), LIVENESS);

        Thread.sleep(idle.multipliedBy(5).toMillis());
        slow.complete(new Ping(2, "done"));

        assertEquals(new Ping(2, "done"), answer.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, server.counters().limitHits(Limit.CLIENT_IDLE_TIMEOUT));
    }

    @Test
    void incompleteFramesTogetherStayWithinTheBudgetAndTheConnectionPassingItIsClosed() throws Exception {
        long budget = 1 << 20;
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withMaxIncompleteFrameBytes(budget), RecordingHandler.echo());
        List<RawPeer> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawPeer holder = raw(server, "127.0.0.1");
            holder.hello(0);
            holder.send(partialFrame(10 << 20, 400 << 10));
            holders.add(holder);
        }
        await(() -> server.counters().incompleteFrameBytes() >= 2 * (400 << 10), "both partial frames buffered");

        RawPeer third = raw(server, "127.0.0.1");
        third.hello(0);
        try {
            third.send(partialFrame(10 << 20, 400 << 10));
        } catch (IOException closedWhileSending) {
            // The server may close it before all 400 KiB are written: that is the outcome expected.
        }

        third.awaitClosed();
        assertEquals(1, server.counters().limitHits(Limit.INCOMPLETE_FRAME_BYTES));
        assertTrue(server.counters().incompleteFrameBytes() <= budget, "" + server.counters().incompleteFrameBytes());

        // Clients holding their whole budget leave the cluster members' alone.
        RawPeer member = raw(server, "127.0.0.1");
        member.hello(3);
        member.send(partialFrame(10 << 20, 900 << 10));
        await(() -> server.counters().incompleteFrameBytes() >= (800 << 10) + (900 << 10), "the member's frame buffered");
        assertTrue(member.isOpen(), "a member's frame fits its own budget");
        assertEquals(1, server.counters().limitHits(Limit.INCOMPLETE_FRAME_BYTES));
        member.close();
        for (RawPeer holder : holders) {
            assertTrue(holder.isOpen());
            holder.close();
        }
        await(() -> server.counters().incompleteFrameBytes() == 0, "closed connections give their bytes back");
        PeerConnection client = connect(server);
        assertEquals(new Ping(1, "x"), client.request(new Ping(1, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void beforeTheHandshakeNoFrameLargerThanAHelloIsBuffered() throws Exception {
        RpcServer server = listen(ConnectionLimits.DEFAULTS, RecordingHandler.echo());
        RawPeer stranger = raw(server, "127.0.0.1");
        stranger.send(partialFrame(ServerPipeline.HANDSHAKE_MAX_FRAME_BYTES + 1, 100));

        stranger.awaitClosed();
        assertEquals(1, server.counters().protocolErrors());
        assertEquals(0, server.counters().incompleteFrameBytes());
    }

    @Test
    void atTheRequestLimitTheServerStopsReadingUntilAnswersGoOut() throws Exception {
        List<CompletableFuture<Object>> held = Collections.synchronizedList(new ArrayList<>());
        RecordingHandler handler = new RecordingHandler(r -> {
            CompletableFuture<Object> answer = new CompletableFuture<>();
            held.add(answer);
            return answer.thenApply(ignored -> r);
        });
        RpcServer server = listen(ConnectionLimits.DEFAULTS.withMaxRequestsPerConnection(4), handler);
        PeerConnection client = connect(server);
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(client.request(new Ping(i, "held"), LIVENESS));
        }
        await(() -> handler.requests().size() == 4, "the first four requests handled");
        for (int i = 4; i < 10; i++) {
            answers.add(client.request(new Ping(i, "waiting"), LIVENESS));
        }
        Thread.sleep(500);
        assertEquals(4, handler.requests().size(), "nothing more is read while four are unanswered");
        assertEquals(1, server.counters().limitHits(Limit.REQUESTS_PER_CONNECTION));

        while (answers.stream().anyMatch(a -> !a.isDone())) {
            synchronized (held) {
                held.forEach(h -> h.complete(null));
            }
            Thread.sleep(5);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(i, ((Ping) answers.get(i).get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).seq());
        }
        assertEquals(10, handler.requests().size());
    }

    private static ByteBuf partialFrame(int declaredLength, int bodyBytesSent) {
        return Unpooled.buffer().writeInt(declaredLength).writeByte(FrameKind.REQUEST.code).writeLong(1)
                .writeBytes(new byte[bodyBytesSent]);
    }

    private Transport transport() {
        return Transport.create(TransportConfig.builder(CLUSTER)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build(), CODEC, loops);
    }

    private RpcServer listen(ConnectionLimits limits, RpcHandler handler) throws IOException {
        RpcServer server = Transport.create(TransportConfig.builder(CLUSTER).nodeId(1).limits(limits).build(), CODEC, loops)
                .listen(new InetSocketAddress("127.0.0.1", 0), handler);
        resources.add(server);
        return server;
    }

    private PeerConnection connect(RpcServer server) throws InterruptedException {
        PeerConnection peer = transport().connect(server.localAddress());
        resources.add(peer);
        await(peer::isConnected, "connected to " + server.localAddress());
        return peer;
    }

    private RawPeer raw(RpcServer server, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(server.localAddress(), (int) LIVENESS.toMillis());
        socket.setSoTimeout((int) LIVENESS.toMillis());
        RawPeer peer = new RawPeer(socket);
        resources.add(peer);
        return peer;
    }

    /** A socket that speaks the handshake by hand and then sends whatever a test gives it. */
    private record RawPeer(Socket socket) implements AutoCloseable {

        /** Sends our HELLO and returns the server's answer. */
        Hello hello(int nodeId) throws IOException {
            send(Hello.of(CLUSTER, nodeId).encode(ByteBufAllocator.DEFAULT));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            ByteBuf body = Unpooled.wrappedBuffer(frame).skipBytes(Frame.HEADER_BYTES);
            return Hello.decode(body);
        }

        void send(ByteBuf bytes) throws IOException {
            try {
                byte[] out = new byte[bytes.readableBytes()];
                bytes.readBytes(out);
                OutputStream stream = socket.getOutputStream();
                stream.write(out);
                stream.flush();
            } finally {
                bytes.release();
            }
        }

        /** Waits until the server closes the connection. */
        void awaitClosed() throws IOException {
            try {
                int read;
                do {
                    read = socket.getInputStream().read(new byte[4096]);
                } while (read >= 0);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close the connection within " + LIVENESS);
            } catch (IOException reset) {
                // A reset closes it too.
            }
        }

        /** Whether the server has not closed the connection: nothing to read, and no end of stream. */
        boolean isOpen() throws IOException {
            socket.setSoTimeout(50);
            try {
                return socket.getInputStream().read() != -1;
            } catch (SocketTimeoutException stillOpen) {
                return true;
            } catch (IOException reset) {
                return false;
            } finally {
                socket.setSoTimeout((int) LIVENESS.toMillis());
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
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
