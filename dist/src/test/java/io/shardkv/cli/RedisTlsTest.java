package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis port of a {@code local start --tls} cluster, through Debian's redis-cli built with
 * OpenSSL: the port speaks TLS only; a certificate gives its role (readonly may GET, not SET); a
 * client without one is NOAUTH until it AUTHs with a token from the replica's token file, and a
 * wrong token is WRONGPASS.
 */
class RedisTlsTest {

    @TempDir
    Path dir;

    private int port;
    private Path tls;

    private String redisCli(List<String> flags, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("/usr/bin/redis-cli", "--no-raw", "-p", Integer.toString(port)));
        args.addAll(flags);
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", args));
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    private List<String> certificate(String name) {
        return List.of("-c", "--tls", "--cacert", tls.resolve("ca.pem").toString(), "--cert",
                tls.resolve(name + ".pem").toString(), "--key", tls.resolve(name + "-key.pem").toString());
    }

    @Test
    void certificatesAndTokensGiveRolesOnTheRedisPort() throws Exception {
        RedisCliTest.assumeRedisCli();
        int base = LocalClusterEndToEndTest.freeBasePort();
        port = base + 11 + LocalLayout.REDIS_OFFSET;
        tls = dir.resolve("tls");
        String d = dir.toString();
        try {
            Launch.Result started = Launch.run("local", "--dir", d, "start", "--tls", "--groups", "1", "--replicas", "1",
                    "--shards", "4", "--base-port", Integer.toString(base));
            assertEquals(0, started.code(), started.err());
            assertTrue(started.out().contains("redis-cli -c --tls --cacert " + tls.resolve("ca.pem")), started.out());

            assertEquals("OK", redisCli(certificate("admin"), "set", "k", "v1"));
            assertEquals("\"v1\"", redisCli(certificate("admin"), "get", "k"));

            assertEquals(0, Launch.run("certs", "issue", "--dir", tls.toString(), "--name", "bob", "--role", "readonly").code());
            assertEquals("\"v1\"", redisCli(certificate("bob"), "get", "k"), "readonly may read");
            assertEquals("(error) NOPERM this user has no permissions to run the 'set' command: it needs role readwrite;"
                    + " the certificate of 'bob' has role readonly", redisCli(certificate("bob"), "set", "k", "v2"));

            List<String> noCertificate = List.of("--tls", "--cacert", tls.resolve("ca.pem").toString());
            assertEquals("(error) NOAUTH Authentication required.", redisCli(noCertificate, "get", "k"));
            Launch.Result token = Launch.run("certs", "token", "--file", tls.resolve("tokens").toString(), "--name", "ci",
                    "--role", "readwrite");
            assertEquals(0, token.code(), token.err());
            Thread.sleep(1_100); // replicas look at the token file again at most once a second
            List<String> withToken = new ArrayList<>(noCertificate);
            withToken.addAll(List.of("--no-auth-warning", "-a", token.out().strip()));
            assertEquals("OK", redisCli(withToken, "set", "k", "v3"), "a readwrite token may write");
            List<String> named = new ArrayList<>(noCertificate);
            named.addAll(List.of("--no-auth-warning", "--user", "ci", "--pass", token.out().strip()));
            assertEquals("\"v3\"", redisCli(named, "get", "k"), "AUTH with the token's name too");
            List<String> wrong = new ArrayList<>(noCertificate);
            wrong.addAll(List.of("--no-auth-warning", "-a", "not-a-token"));
            assertTrue(redisCli(wrong, "get", "k").contains("WRONGPASS invalid username-password pair"));

            String plain = redisCli(List.of(), "get", "k");
            assertFalse(plain.contains("v3"), "a client without TLS reads nothing: " + plain);
        } finally {
            Launch.run("local", "--dir", d, "stop");
        }
    }
}
