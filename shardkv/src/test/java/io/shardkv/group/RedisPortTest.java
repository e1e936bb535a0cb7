package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.ctrler.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's RESP port on real sockets, fed what no client library sends: malformed input and an
 * oversized bulk end only their own connection, after the replies to what came before them, while
 * another connection holding half a command goes on; a long pipeline is answered in order.
 */
class RedisPortTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void hostileInputEndsOnlyItsOwnConnection(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 16, 0, MigrationDriver.Options.DEFAULTS, 11)) {
            Config joined = cluster.join(0);
            cluster.awaitSettled(joined.num(), PATIENCE);
            int port = cluster.redisPort(0, cluster.leaderId(0, PATIENCE));
            try (Socket patient = connect(port)) {
                send(patient, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n");

                try (Socket bad = connect(port)) {
                    send(bad, "PING\r\n*2\r\n$3\r\nGET\r\n$abc\r\nPING\r\n");
                    assertEquals("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", untilClosed(bad),
                            "the reply to what came first, the error, then the end");
                }
                try (Socket huge = connect(port)) {
                    send(huge, "*2\r\n$3\r\nGET\r\n$2000000\r\n");
                    assertEquals("-ERR Protocol error: invalid bulk length\r\n", untilClosed(huge));
                }
                try (Socket garbage = connect(port)) {
                    send(garbage, "*1\r\n:1\r\n");
                    assertEquals("-ERR Protocol error: expected '$', got ':'\r\n", untilClosed(garbage));
                }

                send(patient, "$1\r\nv\r\n");
                assertEquals("+OK\r\n", read(patient, 5), "the half-sent SET finishes");
                StringBuilder pipeline = new StringBuilder();
                StringBuilder expected = new StringBuilder();
                for (int i = 1; i <= 300; i++) {
                    pipeline.append("INCR n\r\n");
                    expected.append(':').append(i).append("\r\n");
                }
                pipeline.append("GET k\r\n");
                expected.append("$1\r\nv\r\n");
                send(patient, pipeline.toString());
                assertEquals(expected.toString(), read(patient, expected.length()), "300 INCRs and a GET, in order");

                // Cluster clients route by these: name, arity, flags, first key, last key, step.
                String info = "*3\r\n"
                        + "*6\r\n$4\r\nmset\r\n:-3\r\n*0\r\n:1\r\n:-1\r\n:2\r\n"
                        + "*6\r\n$6\r\ndbsize\r\n:1\r\n*0\r\n:0\r\n:0\r\n:0\r\n"
                        + "*6\r\n$3\r\ndel\r\n:-2\r\n*0\r\n:1\r\n:-1\r\n:1\r\n";
                send(patient, "COMMAND INFO mset dbsize del\r\n");
                assertEquals(info, read(patient, info.length()), "COMMAND INFO's key positions");
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout((int) PATIENCE.toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Exactly {@code length} bytes (a read timeout fails the test). */
    private static String read(Socket s, int length) throws IOException {
        return new String(s.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** Everything until the server closes the connection. */
    private static String untilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        assertTrue(text.length() < 4096, "a bounded answer: " + text.length() + " bytes");
        return text;
    }
}
