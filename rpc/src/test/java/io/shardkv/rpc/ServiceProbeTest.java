package io.shardkv.rpc;

import com.sun.net.httpserver.HttpServer;
import io.shardkv.rpc.ServiceProbe.Answer;
import io.shardkv.rpc.codec.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a probe makes of each kind of address, on real sockets. */
class ServiceProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Codec CODEC = TestTypes.codec();
    private static final TransportConfig CLIENT = TransportConfig.builder("probe").build();
    private static EventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = EventLoops.create(TransportConfig.builder("probe").ioThreads(1).build());
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @Test
    void aServerOfOurClusterSaysWhatItServes() throws IOException {
        try (RpcServer server = listen("probe", Services.shardGroup(100))) {
            assertEquals(new Answer.Serves("shard-group 100"), ServiceProbe.probe(server.localAddress(), CLIENT, TIMEOUT));
            assertEquals("a shard-group server of group 100", Services.describe("shard-group 100"));
            assertEquals("a controller", Services.describe(Services.CONTROLLER));
        }
    }

    @Test
    void aConnectionExpectingAControllerFailsAtAShardGroupServerSayingWhatItIs() throws Exception {
        try (RpcServer server = listen("probe", Services.shardGroup(100));
             Transport transport = Transport.create(TransportConfig.builder("probe")
                     .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(), CODEC, loops)) {
            PeerConnection connection = transport.connect(server.localAddress(), Services.CONTROLLER);
            try {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> connection.request(new TestTypes.Ping(1, "x"), TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                assertInstanceOf(ConnectionLostException.class, e.getCause());
                assertTrue(e.getCause().getMessage().endsWith("it is a shard-group server of group 100, not a controller"),
                        e.getCause().getMessage());
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void aServerOfAnotherClusterRefusesSayingWhy() throws IOException {
        try (RpcServer server = listen("probe", Services.CONTROLLER)) {
            assertEquals(new Answer.Rejected("cluster id 'elsewhere' differs from ours 'probe'"),
                    ServiceProbe.probe(server.localAddress(), TransportConfig.builder("elsewhere").build(), TIMEOUT));
        }
    }

    @Test
    void aClosedPortIsUnreachableAndAnUnresolvableNameToo() throws IOException {
        InetSocketAddress closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
        assertEquals(new Answer.Unreachable("connection refused"), ServiceProbe.probe(closed, CLIENT, TIMEOUT));
        assertEquals(new Answer.Unreachable("the host name does not resolve"),
                ServiceProbe.probe(HostPort.parse("no-such-host.invalid:7000"), CLIENT, TIMEOUT));
    }

    @Test
    void anHttpPortIsNamedAsOne() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.start();
        try {
            Answer answer = ServiceProbe.probe(http.getAddress(), CLIENT, TIMEOUT);
            Answer.Foreign foreign = assertInstanceOf(Answer.Foreign.class, answer);
            assertTrue(foreign.what().startsWith("it is an HTTP server (it answered \"HTTP/1.1 400"), foreign.what());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void anotherProtocolIsForeignAndAListenerThatNeverAnswersIsSilent() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread greeter = new Thread(() -> {
                try (Socket s = other.accept()) {
                    s.getOutputStream().write("220 smtp.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // The probe has its answer or gave up.
                }
            });
            greeter.start();
            Answer answer = ServiceProbe.probe(new InetSocketAddress("127.0.0.1", other.getLocalPort()), CLIENT, TIMEOUT);
            assertEquals(new Answer.Foreign("it does not speak the shardkv protocol (its answer begins 0x32323020)"), answer);
            greeter.join();
        }
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // The kernel completes the connection from the backlog; nobody ever answers.
            Answer answer = ServiceProbe.probe(new InetSocketAddress("127.0.0.1", mute.getLocalPort()), CLIENT,
                    Duration.ofMillis(300));
            assertEquals(new Answer.Silent("no answer within 300 ms"), answer);
        }
    }

    private static RpcServer listen(String cluster, String service) throws IOException {
        Transport transport = Transport.create(TransportConfig.builder(cluster).nodeId(1).service(service).build(), CODEC,
                loops);
        return transport.listen(new InetSocketAddress("127.0.0.1", 0), RecordingHandler.echo());
    }
}
