package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local cluster with {@code --tls}, used through {@code bin/shardkv} as a user would: the local
 * commands use the admin certificate; certificates issued with {@code certs issue} get what their
 * role allows and PERMISSION_DENIED naming the role for the rest; clients without TLS, with a
 * certificate of another CA, or with an expired one are refused at once with a reason.
 */
class TlsLocalClusterTest {

    @TempDir
    Path dir;

    @Test
    void rolesAreEnforcedAndStrangersRefused(@TempDir Path elsewhere) throws Exception {
        String base = Integer.toString(LocalClusterEndToEndTest.freeBasePort());
        String d = dir.toString();
        Path tls = dir.resolve("tls");
        String ctrl = "127.0.0.1:" + (Integer.parseInt(base) + 1);
        try {
            Launch.Result started = Launch.run("local", "--dir", d, "start", "--tls", "--groups", "1", "--replicas", "1",
                    "--shards", "4", "--base-port", base);
            assertEquals(0, started.code(), started.err());
            assertTrue(started.out().contains("TLS: a CA and certificates in " + tls), started.out());
            assertEquals(0, Launch.run("cli", "--dir", d, "put", "k", "v1").code());
            assertEquals("v1", Launch.run("cli", "--dir", d, "get", "k").out().strip());

            assertEquals(0, Launch.run("certs", "issue", "--dir", tls.toString(), "--name", "bob", "--role", "readonly").code());
            List<String> bob = tlsFlags(tls, "bob");
            assertEquals("v1", Launch.run(cli(ctrl, bob, "get", "k")).out().strip(), "readonly may read");
            Launch.Result put = Launch.run(cli(ctrl, bob, "put", "k", "v2"));
            assertEquals(Main.FAILED, put.code());
            assertEquals("shardkv: ERR PERMISSION_DENIED PUT needs role readwrite; the certificate of 'bob' has role"
                    + " readonly", put.err().strip());
            Launch.Result leave = Launch.run(admin(ctrl, bob, "leave", "--gid", "100"));
            assertEquals(Main.FAILED, leave.code());
            assertTrue(leave.err().contains("the controller refused: PERMISSION_DENIED: LEAVE needs role admin; the"
                    + " certificate of 'bob' has role readonly"), leave.err());

            assertEquals(0, Launch.run("certs", "issue", "--dir", tls.toString(), "--name", "carol", "--role", "readwrite").code());
            assertEquals(0, Launch.run(cli(ctrl, tlsFlags(tls, "carol"), "put", "k", "v3")).code(), "readwrite may write");
            assertEquals("v3", Launch.run("cli", "--dir", d, "get", "k").out().strip());

            Launch.Result token = Launch.run("certs", "token", "--file", tls.resolve("tokens").toString(), "--name", "ci",
                    "--role", "readwrite");
            assertEquals(0, token.code(), token.err());
            Path tokenFile = dir.resolve("ci.token");
            java.nio.file.Files.writeString(tokenFile, token.out());
            Thread.sleep(1_100); // servers look at the token file again at most once a second
            List<String> ci = List.of("--tls-ca", tls.resolve("ca.pem").toString(), "--token-file", tokenFile.toString());
            assertEquals(0, Launch.run(cli(ctrl, ci, "put", "k", "v4")).code(), "a readwrite token may write");
            assertEquals("v4", Launch.run(cli(ctrl, ci, "get", "k")).out().strip());
            Launch.Result tokenLeave = Launch.run(admin(ctrl, ci, "leave", "--gid", "100"));
            assertTrue(tokenLeave.err().contains("LEAVE needs role admin; the token of 'ci' has role readwrite"),
                    tokenLeave.err());

            Launch.Result plain = Launch.run(cli(ctrl, List.of(), "get", "k"));
            assertEquals(Main.FAILED, plain.code());
            assertTrue(plain.err().contains(ctrl + " refused the connection: it closed the connection without answering"
                    + " our HELLO: if it is a server with TLS on, give --tls-cert, --tls-key and --tls-ca"), plain.err());

            CertificateAuthority other = CertificateAuthority.create(elsewhere, "another CA", Duration.ofDays(1));
            other.issue("mallory", Role.ADMIN, List.of(), elsewhere.resolve("mallory.pem"),
                    elsewhere.resolve("mallory-key.pem"));
            List<String> mallory = List.of("--tls-cert", elsewhere.resolve("mallory.pem").toString(), "--tls-key",
                    elsewhere.resolve("mallory-key.pem").toString(), "--tls-ca", tls.resolve("ca.pem").toString());
            Launch.Result foreign = Launch.run(cli(ctrl, mallory, "get", "k"));
            assertEquals(Main.FAILED, foreign.code());
            // The servers accept tokens, so a certificate they do not trust is not asked for at all.
            assertTrue(foreign.err().contains(ctrl + " refused the connection: no certificate and no token"),
                    foreign.err());

            CertificateAuthority.load(tls).issue("old", Role.ADMIN, List.of(), Instant.now().minus(Duration.ofDays(30)),
                    Duration.ofDays(1), tls.resolve("old.pem"), tls.resolve("old-key.pem"));
            Launch.Result expired = Launch.run(cli(ctrl, tlsFlags(tls, "old"), "get", "k"));
            assertEquals(Main.FAILED, expired.code());
            assertTrue(expired.err().contains(ctrl + " refused the connection: TLS: "), expired.err());

            String metrics = LocalClusterEndToEndTest.httpGet("http://127.0.0.1:" + (Integer.parseInt(base) + 11
                    + LocalLayout.METRICS_OFFSET) + "/metrics");
            assertTrue(metrics.contains("shardkv_rpc_permission_denied_total{gid=\"100\",process=\"server\",replica=\"1\"} 1.0"),
                    metrics);
        } finally {
            Launch.run("local", "--dir", d, "stop");
        }
    }

    private static List<String> tlsFlags(Path tls, String name) {
        return List.of("--tls-cert", tls.resolve(name + ".pem").toString(), "--tls-key",
                tls.resolve(name + "-key.pem").toString(), "--tls-ca", tls.resolve("ca.pem").toString());
    }

    private static String[] cli(String ctrl, List<String> tls, String... operation) {
        List<String> args = new ArrayList<>(List.of("cli", "--ctrl", ctrl, "--timeout", "20s"));
        args.addAll(tls);
        args.addAll(List.of(operation));
        return args.toArray(String[]::new);
    }

    private static String[] admin(String ctrl, List<String> tls, String... command) {
        List<String> args = new ArrayList<>(List.of("admin", "--ctrl", ctrl, "--timeout", "20s"));
        args.addAll(tls);
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }
}
