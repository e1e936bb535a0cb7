package io.shardkv.rpc;

import io.shardkv.rpc.TestTypes.Batch;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TlsConfig;
import io.shardkv.rpc.tls.TokenFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mutual TLS on real sockets, with certificates issued by a CA made for the test. */
class TlsTransportTest {

    private static final Duration LIVENESS = Duration.ofSeconds(30);
    private static final String CLUSTER = "tls";
    private static final Codec CODEC = TestTypes.codec();
    private static EventLoops loops;

    @TempDir
    static Path dir;
    private static CertificateAuthority ca;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void issueCertificates() throws IOException {
        loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
        ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(10));
        ca.issue("server-1", Role.SERVER, List.of("127.0.0.1", "localhost"), dir.resolve("server.pem"),
                dir.resolve("server-key.pem"));
        ca.issue("alice", Role.READWRITE, List.of(), dir.resolve("alice.pem"), dir.resolve("alice-key.pem"));
        ca.issue("old", Role.READWRITE, List.of(), Instant.now().minus(Duration.ofDays(60)), Duration.ofDays(30),
                dir.resolve("old.pem"), dir.resolve("old-key.pem"));
        ca.issue("elsewhere", Role.SERVER, List.of("other.example"), dir.resolve("misnamed.pem"),
                dir.resolve("misnamed-key.pem"));
        ca.issue("poser", Role.READWRITE, List.of("127.0.0.1"), dir.resolve("poser.pem"), dir.resolve("poser-key.pem"));
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other-ca"), "another CA", Duration.ofDays(10));
        other.issue("mallory", Role.ADMIN, List.of("127.0.0.1"), dir.resolve("mallory.pem"), dir.resolve("mallory-key.pem"));
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
    void aClientIsServedWhatItsRoleAllowsAndDeniedTheRestNamingTheRoleNeeded() throws Exception {
        RpcServer server = listen("server");
        PeerConnection alice = connect(tls("alice"), 0, server);
        Batch batch = new Batch(List.of(new Ping(1, "over tls")));
        assertEquals(batch, alice.request(batch, LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));

        ExecutionException denied = assertThrows(ExecutionException.class,
                () -> alice.request(new Ping(2, "server only"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(PermissionDeniedException.class, denied.getCause());
        assertEquals("PERMISSION_DENIED: Ping needs role server; the certificate of 'alice' has role readwrite",
                denied.getCause().getMessage());
        assertEquals(1, server.counters().permissionDenied());
        assertTrue(alice.isConnected(), "a refusal does not close the connection");

        PeerConnection member = connect(tls("server"), 0, server);
        assertEquals(new Ping(3, "member"), member.request(new Ping(3, "member"), LIVENESS)
                .get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void clientsWithoutAGoodCertificateAreRefused() throws Exception {
        RpcServer server = listen("server");
        assertTrue(failure(TransportConfig.builder(CLUSTER), server).contains("connection closed before the handshake"
                + " completed"), "plain TCP against TLS");
        String foreign = failure(tlsConfig(tls("mallory")), server);
        assertTrue(foreign.startsWith("TLS: "), "a certificate of another CA: " + foreign);
        String expired = failure(tlsConfig(tls("old")), server);
        assertTrue(expired.startsWith("TLS: "), "an expired certificate: " + expired);
        String posing = failure(tlsConfig(tls("alice")).nodeId(2), server);
        assertTrue(posing.contains("node id 2 is announced by the certificate of 'alice', which has role readwrite;"
                + " only cluster members (role server) have node ids"), posing);
        assertTrue(server.counters().protocolErrors() >= 3, "each refusal is counted");
    }

    @Test
    void theClientVerifiesThatTheServerCertificateNamesTheHostDialled() throws Exception {
        RpcServer server = listen("misnamed");
        String failure = failure(tlsConfig(tls("alice")), server);
        assertTrue(failure.startsWith("TLS: ") && failure.contains("127.0.0.1"), failure);
    }

    @Test
    void aClientWithoutACertificateIsServedByItsTokenWithTheTokensRole() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# tokens\n" + TokenFile.line("ci", Role.READONLY, "a-long-random-token") + "\n");
        RpcServer server = Transport.create(TransportConfig.builder(CLUSTER).nodeId(1).tls(tls("server")).tokens(tokens)
                .build(), CODEC, loops).listen(new InetSocketAddress("127.0.0.1", 0), RecordingHandler.echo());
        resources.add(server);
        TlsConfig trusting = TlsConfig.trusting(dir.resolve("ca").resolve("ca.pem"));

        PeerConnection ci = transport(TransportConfig.builder(CLUSTER).tls(trusting).token("a-long-random-token"))
                .connect(server.localAddress());
        resources.add(ci);
        Batch batch = new Batch(List.of(new Ping(1, "read")));
        assertEquals(batch, ci.request(batch, LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        ExecutionException denied = assertThrows(ExecutionException.class,
                () -> ci.request(new Ping(2, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertEquals("PERMISSION_DENIED: Ping needs role server; the token of 'ci' has role readonly",
                denied.getCause().getMessage());

        String guess = failure(TransportConfig.builder(CLUSTER).tls(trusting).token("a-guess"), server);
        assertTrue(guess.contains("the token is not one this server accepts"), guess);
        String nothing = failure(TransportConfig.builder(CLUSTER).tls(trusting), server);
        assertTrue(nothing.contains("no certificate and no token"), nothing);
        assertEquals(batch, connect(tls("alice"), 0, server).request(batch, LIVENESS)
                .get(LIVENESS.toSeconds(), TimeUnit.SECONDS), "certificates still work beside tokens");
        IllegalArgumentException clear = assertThrows(IllegalArgumentException.class,
                () -> TransportConfig.builder(CLUSTER).token("t").build());
        assertTrue(clear.getMessage().startsWith("tokens need TLS"), clear.getMessage());
    }

    @Test
    void aServerWhoseCertificateIsNotAServersIsRefusedByItsClients() throws Exception {
        RpcServer server = listen("poser");
        String failure = failure(tlsConfig(tls("server")), server);
        assertTrue(failure.contains("its certificate 'poser' (role readwrite) is not a server's (role server)"), failure);
    }

    @Test
    void replacedCertificateFilesAreUsedForNewConnectionsWithoutARestart() throws Exception {
        Path certificate = dir.resolve("rotating.pem");
        Path key = dir.resolve("rotating-key.pem");
        install("server", certificate, key);
        RpcServer server = listen(TlsConfig.of(certificate, key, dir.resolve("ca").resolve("ca.pem")));
        assertEquals(new Ping(1, "a"), connect(tls("server"), 0, server).request(new Ping(1, "a"), LIVENESS)
                .get(LIVENESS.toSeconds(), TimeUnit.SECONDS));

        install("mallory", certificate, key);
        Thread.sleep(1_100); // the files are looked at again at most once a second
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        String failure = "";
        while (!failure.startsWith("TLS: ") && System.nanoTime() < deadline) {
            failure = failure(tlsConfig(tls("alice")), server);
        }
        assertTrue(failure.startsWith("TLS: "), "a server certificate from another CA is not trusted: " + failure);

        install("server", certificate, key);
        Thread.sleep(1_100);
        PeerConnection again = transport(tlsConfig(tls("server"))).connect(server.localAddress());
        resources.add(again);
        assertEquals(new Ping(2, "b"), awaitAnswer(again, new Ping(2, "b")), "trusted again once the files are good");
    }

    private static Ping awaitAnswer(PeerConnection connection, Ping ping) throws Exception {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (true) {
            try {
                return (Ping) connection.request(ping, LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void install(String name, Path certificate, Path key) throws IOException {
        for (String[] file : new String[][] {{name + ".pem", certificate.toString()}, {name + "-key.pem", key.toString()}}) {
            Path temporary = Path.of(file[1] + ".new");
            Files.copy(dir.resolve(file[0]), temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, Path.of(file[1]), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Why a request from a connection made with {@code config} fails: its ConnectionLostException's reason. */
    private String failure(TransportConfig.Builder config, RpcServer server) throws Exception {
        PeerConnection peer = transport(config).connect(server.localAddress());
        resources.add(peer);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> peer.request(new Ping(9, "x"), LIVENESS).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(ConnectionLostException.class, e.getCause());
        String message = e.getCause().getMessage();
        return message.substring(message.indexOf(": ") + 2);
    }

    private static TlsConfig tls(String name) {
        return TlsConfig.of(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca").resolve("ca.pem"));
    }

    private static TransportConfig.Builder tlsConfig(TlsConfig tls) {
        return TransportConfig.builder(CLUSTER).tls(tls);
    }

    private Transport transport(TransportConfig.Builder config) {
        return Transport.create(config.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build(), CODEC, loops);
    }

    private RpcServer listen(String name) throws IOException {
        return listen(tls(name));
    }

    private RpcServer listen(TlsConfig tls) throws IOException {
        RpcServer server = Transport.create(TransportConfig.builder(CLUSTER).nodeId(1).tls(tls).build(), CODEC, loops)
                .listen(new InetSocketAddress("127.0.0.1", 0), RecordingHandler.echo());
        resources.add(server);
        return server;
    }

    private PeerConnection connect(TlsConfig tls, int nodeId, RpcServer server) throws InterruptedException {
        PeerConnection peer = transport(tlsConfig(tls).nodeId(nodeId)).connect(server.localAddress());
        resources.add(peer);
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (!peer.isConnected()) {
            assertTrue(System.nanoTime() < deadline, "connected within " + LIVENESS);
            Thread.sleep(5);
        }
        return peer;
    }
}
