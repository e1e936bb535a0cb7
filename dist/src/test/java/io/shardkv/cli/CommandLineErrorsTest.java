package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User errors get one line on stderr and a non-zero exit (2: usage, 1: failed); never a stack trace. */
class CommandLineErrorsTest {

    @TempDir
    Path dir;

    /** A port whose connections the kernel completes and nobody ever answers: a controller that never replies. */
    private static ServerSocket mute;
    private static String muteAddress;

    @BeforeAll
    static void openMutePort() throws IOException {
        mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        muteAddress = "127.0.0.1:" + mute.getLocalPort();
    }

    @AfterAll
    static void closeMutePort() throws IOException {
        mute.close();
    }

    private static void assertOneLineError(Launch.Result r, int code, String fragment) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, not a stack trace: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badFlagsAndArgumentsAreUsageErrors() {
        assertOneLineError(Launch.run("cli", "--frobnicate"), Main.USAGE, "Unknown option: '--frobnicate'");
        assertOneLineError(Launch.run("server"), Main.USAGE, "Missing required options");
        assertOneLineError(Launch.run("ctrler", "--id", "0", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString()),
                Main.USAGE, "--id wants a replica id from 1");
        assertOneLineError(Launch.run("ctrler", "--id", "2", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString()),
                Main.USAGE, "does not list this replica's id 2");
        assertOneLineError(Launch.run("ctrler", "--id", "1", "--peers", "1=nonsense", "--data-dir", dir.toString()),
                Main.USAGE, "not a host:port address");
        assertOneLineError(Launch.run("ctrler", "--id", "1", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString(),
                "--metrics-address", "no-such-host.invalid"), Main.USAGE,
                "--metrics-address \"no-such-host.invalid\" is not an address or a known host name");
        assertOneLineError(Launch.run("ctrler", "--id", "1", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString(),
                "--max-connections", "0"), Main.USAGE, "max-connections must be >= 1, was 0");
        assertOneLineError(Launch.run("ctrler", "--id", "1", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString(),
                "--client-idle-timeout", "forever"), Main.USAGE, "--client-idle-timeout wants a positive duration");
        assertOneLineError(Launch.run("ctrler", "--id", "1", "--peers", "1=127.0.0.1:1", "--data-dir", dir.toString(),
                "--max-incomplete-frame-bytes", "1k"), Main.USAGE, "max-incomplete-frame-bytes must be >= 4096, was 1024");
        assertEquals(0, Launch.run("certs", "ca", "--dir", dir.resolve("ca").toString()).code());
        assertOneLineError(Launch.run("certs", "issue", "--dir", dir.resolve("ca").toString(), "--name", "bob", "--role",
                "readonly", "--host", "db1"), Main.USAGE, "--host is for server certificates only");
        assertOneLineError(Launch.run("certs", "issue", "--dir", dir.resolve("ca").toString(), "--name", "ca", "--role",
                "admin"), Main.USAGE, "--name ca would overwrite the CA's own files");
        assertOneLineError(Launch.run("certs", "issue", "--dir", dir.resolve("ca").toString(), "--name", "s", "--role",
                "boss"), Main.USAGE, "unknown role \"boss\"; the roles are readonly, readwrite, admin, server");
        assertOneLineError(Launch.run("cli", "--ctrl", "127.0.0.1:1", "--tls-cert", "x.pem", "get", "k"), Main.USAGE,
                "--tls-cert, --tls-key and --tls-ca go together; missing: --tls-key, --tls-ca");
        assertOneLineError(Launch.run("cli", "--ctrl", "127.0.0.1:1", "--timeout", "soon", "get", "k"), Main.USAGE,
                "--timeout wants a positive duration");
        assertOneLineError(Launch.run("cli", "--ctrl", muteAddress, "fly", "k"), Main.USAGE, "unknown operation");
        assertOneLineError(Launch.run("local", "status", "--dir", dir.toString()), Main.USAGE, "no local cluster in");
        assertOneLineError(Launch.run("local", "start", "--dir", dir.toString(), "--groups", "12"), Main.USAGE,
                "--groups must be 1 to 9");
        assertOneLineError(Launch.run("local", "start", "--dir", dir.toString(), "--gc", "cms"), Main.USAGE,
                "expected one of [serial, parallel, g1]");
        assertOneLineError(Launch.run("local", "start", "--dir", dir.toString(), "--engine", "leveldb"), Main.USAGE,
                "expected one of [memory, rocksdb]");
        assertOneLineError(Launch.run("server", "--gid", "1", "--controllers", "127.0.0.1:1", "--id", "1", "--peers",
                "1=127.0.0.1:1", "--data-dir", dir.toString(), "--engine", "leveldb"), Main.USAGE,
                "--engine must be memory or rocksdb, got \"leveldb\"");
        assertOneLineError(Launch.run("server", "--gid", "1", "--controllers", "127.0.0.1:1", "--id", "1", "--peers",
                "1=127.0.0.1:1", "--data-dir", dir.toString(), "--engine", "rocksdb", "--engine-write-buffer", "4k"),
                Main.USAGE, "--engine-write-buffer must be at least 1m, got 4096 bytes");
        assertOneLineError(Launch.run("server", "--gid", "1", "--controllers", "127.0.0.1:1", "--id", "1", "--peers",
                "1=127.0.0.1:1", "--data-dir", dir.toString(), "--migration-rate", "-5m"), Main.USAGE,
                "\"-5m\" is not a size");
        Launch.Result lowPort = Launch.run("local", "start", "--dir", dir.toString(), "--groups", "3", "--base-port", "80");
        assertOneLineError(lowPort, Main.USAGE, "--base-port must be 1024 to 63495 (room above it for 3 groups and"
                + " their metrics and Redis ports, below 65536), got 80");
    }

    @Test
    void aClusterThatDoesNotAnswerFailsWithinTheTimeout() {
        assertOneLineError(Launch.run("cli", "--ctrl", muteAddress, "--timeout", "1s", "get", "k"), Main.FAILED,
                "shardkv: ERR UNAVAILABLE GET could not be sent to any group within 1000 ms: no configuration from the"
                        + " controllers");
        assertOneLineError(Launch.run("admin", "--ctrl", muteAddress, "--timeout", "1s", "query"), Main.FAILED,
                "the controller did not answer within 1000 ms");
    }

    @Test
    void oversizedKeysAndValuesAreRefusedBeforeAnythingIsSent() {
        // The controller never answers: only the client can be answering.
        assertOneLineError(Launch.run("cli", "--ctrl", muteAddress, "--timeout", "30s", "put", "k".repeat(70_000), "v"),
                Main.FAILED, "shardkv: ERR BAD_REQUEST key of 70000 bytes exceeds the limit of 65536");
        assertOneLineError(Launch.run("cli", "--ctrl", muteAddress, "--timeout", "30s", "append", "k",
                "v".repeat(2 << 20)), Main.FAILED, "shardkv: ERR BAD_REQUEST value of 2097152 bytes exceeds the limit of "
                + "1048576");
    }

    @Test
    void helpDocumentsEveryReplicaSettingWithItsDefault() {
        Launch.Result r = Launch.run("server", "--help");
        assertEquals(0, r.code());
        for (String flag : new String[] {"--gid", "--id", "--peers", "--controllers", "--data-dir", "--cluster-id",
            "--shards", "--snapshot-bytes", "--fsync", "--metrics-port", "--log-format", "--max-connections",
            "--max-connections-per-address", "--max-incomplete-frame-bytes", "--max-requests-per-connection",
            "--client-idle-timeout", "--redis-port", "--redis-announce", "--redis-max-connections",
            "--redis-max-incomplete-bytes", "--engine", "--engine-block-cache", "--engine-write-buffer",
            "--migration-rate"}) {
            assertTrue(r.out().contains(flag), flag + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("0 never. Default: 64m."), r.out());
    }
}
