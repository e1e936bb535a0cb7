package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real shard-group server process (started by {@code local start}) under attack from raw
 * sockets: garbage before and after the handshake, frames claiming huge lengths, many connections
 * each holding most of a maximum-size frame, and a flood of idle connections. Meanwhile a real
 * client appends and records its latencies. The server's memory must stay within its bound
 * (--max-incomplete-frame-bytes, default 256 MiB), the limits must be counted in its metrics, the
 * client must be served in every phase, and every acknowledged append must be there exactly once.
 */
class HostileInputTest {

    private static final long BUDGET = 256L << 20;
    /** RSS beyond idle that buffers of at most BUDGET may cost: buffer capacity rounds up, and freed memory is reused lazily. */
    private static final long RSS_ALLOWANCE = BUDGET * 2;
    private static final int FRAME_BYTES = 16 << 20;
    private static final int HOLDERS = 100;
    private static final int FLOOD = 2_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void theServerStaysWithinItsBoundsAndKeepsServingUnderHostileInput() throws Exception {
        String base = Integer.toString(LocalClusterEndToEndTest.freeBasePort());
        String d = dir.toString();
        int groupPort = Integer.parseInt(base) + 11;
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", groupPort);
        String metricsUrl = "http://127.0.0.1:" + (groupPort + LocalLayout.METRICS_OFFSET) + "/metrics";
        try {
            Launch.ok("local", "start", "--dir", d, "--groups", "1", "--replicas", "1", "--shards", "4", "--base-port", base);
            long pid = Long.parseLong(Files.readString(dir.resolve("run").resolve("server-100-1.pid")).trim());
            try (Appender appender = new Appender(ClientConfig.of(List.of("127.0.0.1:" + (Integer.parseInt(base) + 1))))) {
                appender.start();
                appender.awaitAcks(20);
                long idleRss = rss(pid);
                List<String> figures = new ArrayList<>();
                figures.add("idle RSS " + mib(idleRss));

                appender.phase("garbage before the handshake");
                for (int i = 0; i < 50; i++) {
                    try (Socket s = connect(target, "127.0.0.1")) {
                        write(s, randomBytes(4096, i));
                        assertClosedByServer(s, "garbage before the handshake");
                    }
                }
                appender.phase("garbage after the handshake");
                for (int i = 0; i < 50; i++) {
                    try (Socket s = connect(target, "127.0.0.1")) {
                        assertEquals("", handshake(s), "the server accepts a client");
                        write(s, randomBytes(4096, 1000 + i));
                        assertClosedByServer(s, "garbage after the handshake");
                    }
                }
                appender.phase("frames claiming huge lengths");
                for (int length : new int[] {Integer.MAX_VALUE, FRAME_BYTES + 1, -1}) {
                    for (int i = 0; i < 20; i++) {
                        try (Socket s = connect(target, "127.0.0.1")) {
                            assertEquals("", handshake(s), "the server accepts a client");
                            write(s, ByteBuffer.allocate(13).putInt(length).put((byte) 3).putLong(1).array());
                            assertClosedByServer(s, "a frame claiming " + length + " bytes");
                        }
                    }
                }

                appender.phase("partial maximum-size frames held open");
                List<Socket> holders = new ArrayList<>();
                int closedByBudget = 0;
                byte[] mostOfAFrame = new byte[FRAME_BYTES - (1 << 20)];
                for (int i = 0; i < HOLDERS; i++) {
                    Socket s = connect(target, "127.0.0.3");
                    holders.add(s);
                    assertEquals("", handshake(s), "the server accepts a client");
                    try {
                        write(s, ByteBuffer.allocate(13).putInt(FRAME_BYTES).put((byte) 3).putLong(1).array());
                        write(s, mostOfAFrame);
                    } catch (IOException closed) {
                        closedByBudget++;
                    }
                }
                long partialRss = rss(pid);
                String metrics = LocalClusterEndToEndTest.httpGet(metricsUrl);
                long buffered = (long) metric(metrics, "shardkv_rpc_incomplete_frame_bytes", "");
                figures.add(HOLDERS + " connections sending " + mib(mostOfAFrame.length) + " each: RSS " + mib(partialRss)
                        + ", buffered " + mib(buffered) + ", " + closedByBudget + " closed by the budget while sending");
                assertTrue(buffered <= BUDGET, "buffered " + buffered);
                assertTrue(metric(metrics, "shardkv_rpc_limit_hits_total", "limit=\"max-incomplete-frame-bytes\"") > 0, metrics);
                assertTrue(partialRss - idleRss < RSS_ALLOWANCE, figures.toString());
                appender.awaitAcks(appender.acks() + 20);
                closeAll(holders);

                appender.phase("connection flood");
                List<Socket> flood = new ArrayList<>();
                int refused = 0;
                String refusal = "";
                for (int i = 0; i < FLOOD; i++) {
                    Socket s = connect(target, "127.0.0.2");
                    flood.add(s);
                    String answer = handshake(s);
                    if (!answer.isEmpty()) {
                        refused++;
                        refusal = answer;
                    }
                }
                long floodRss = rss(pid);
                metrics = LocalClusterEndToEndTest.httpGet(metricsUrl);
                figures.add(FLOOD + " handshaken connections from one address: " + refused + " refused, RSS "
                        + mib(floodRss));
                assertEquals(FLOOD - 1024, refused, "beyond --max-connections-per-address 1024: " + refusal);
                assertEquals("the server already has 1024 connections from 127.0.0.2, the most"
                        + " --max-connections-per-address allows", refusal);
                assertTrue(metric(metrics, "shardkv_rpc_limit_hits_total", "limit=\"max-connections-per-address\"") >= refused);
                appender.awaitAcks(appender.acks() + 20);
                closeAll(flood);
                appender.phase("after");
                appender.awaitAcks(appender.acks() + 20);
                appender.stop();

                figures.addAll(appender.latencies());
                System.out.println("hostile input figures:\n  " + String.join("\n  ", figures));
                appender.assertEveryAcknowledgedAppendOnceAndServedInEveryPhase();
            }
        } finally {
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    /** Sends a HELLO as a client and reads the answer; returns the server's refusal, empty if it accepted. */
    private static String handshake(Socket s) throws IOException {
        byte[] cluster = "shardkv".getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(4 + 2 + 1 + cluster.length + 4 + 1 + 1 + 2);
        body.putInt(0x53484B56).putShort((short) 2).put((byte) cluster.length).put(cluster).putInt(0).put((byte) 0)
                .put((byte) 0).putShort((short) 0);
        write(s, ByteBuffer.allocate(13 + body.capacity()).putInt(9 + body.capacity()).put((byte) 1).putLong(0)
                .put(body.array()).array());
        InputStream in = s.getInputStream();
        byte[] header = in.readNBytes(13);
        int length = ByteBuffer.wrap(header).getInt();
        byte[] answer = in.readNBytes(length - 9);
        ByteBuffer a = ByteBuffer.wrap(answer);
        a.position(6); // magic, version
        int clusterIdBytes = a.get() & 0xff;
        a.position(a.position() + clusterIdBytes + 4); // the cluster id, the node id
        int serviceBytes = a.get() & 0xff;
        a.position(a.position() + serviceBytes);
        int tokenBytes = a.get() & 0xff;
        a.position(a.position() + tokenBytes);
        byte[] refusal = new byte[a.getShort() & 0xffff];
        a.get(refusal);
        return new String(refusal, StandardCharsets.UTF_8);
    }

    private static void assertClosedByServer(Socket s, String what) throws IOException {
        try {
            InputStream in = s.getInputStream();
            while (in.read(new byte[4096]) >= 0) {
                // The server may answer before it closes; only the end of the stream matters.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a connection open after " + what);
        } catch (IOException reset) {
            // A reset is a close too.
        }
    }

    private static Socket connect(InetSocketAddress target, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(target, READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    private static void write(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** The value of metric {@code name} on the line whose labels include {@code label} (empty: any). */
    private static double metric(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$")
                .matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(name + "{" + label + "} missing from:\n" + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / 1048576.0);
    }

    /**
     * A real client appending numbered tokens to a few keys, one at a time, recording each
     * append's latency under the attack phase it ran in. Bounded: at most 60,000 appends.
     */
    private static final class Appender implements AutoCloseable {
        private static final int KEYS = 8;
        private static final int MAX_APPENDS = 60_000;

        private final ShardKvClient client;
        private final Thread thread;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, List<Long>> latenciesByPhase = Collections.synchronizedMap(new TreeMap<>());
        private final List<String> phaseOrder = Collections.synchronizedList(new ArrayList<>());
        private final Map<Integer, List<Integer>> acknowledged = new ConcurrentHashMap<>();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private volatile String phase = "before";
        private volatile int acks;

        Appender(ClientConfig config) {
            this.client = ShardKvClient.connect(config);
            this.thread = new Thread(this::loop, "appender");
            phaseOrder.add(phase);
        }

        void start() {
            thread.start();
        }

        void phase(String name) {
            phase = name;
            phaseOrder.add(name);
        }

        int acks() {
            return acks;
        }

        void awaitAcks(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acks < n) {
                assertTrue(System.nanoTime() < deadline, "the client got no more than " + acks + " of " + n
                        + " appends acknowledged in 60 s (phase " + phase + "); failures: " + failures);
                assertTrue(thread.isAlive(), "the appender stopped: " + failures);
                Thread.sleep(5);
            }
        }

        private void loop() {
            for (int i = 0; i < MAX_APPENDS && !stop.get(); i++) {
                String current = phase;
                long start = System.nanoTime();
                try {
                    client.append("key-" + (i % KEYS), i + ";");
                } catch (RuntimeException e) {
                    failures.add(i + ": " + e);
                    continue;
                }
                latenciesByPhase.computeIfAbsent(current, p -> Collections.synchronizedList(new ArrayList<>()))
                        .add(System.nanoTime() - start);
                acknowledged.computeIfAbsent(i % KEYS, k -> Collections.synchronizedList(new ArrayList<>())).add(i);
                acks++;
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }

        List<String> latencies() {
            List<String> lines = new ArrayList<>();
            for (String p : phaseOrder) {
                List<Long> l = latenciesByPhase.getOrDefault(p, List.of());
                List<Long> sorted;
                synchronized (l) {
                    sorted = new ArrayList<>(l);
                }
                Collections.sort(sorted);
                if (sorted.isEmpty()) {
                    lines.add(p + ": no appends");
                    continue;
                }
                lines.add(String.format("%s: %d appends, p50 %.2f ms, p99 %.2f ms, max %.2f ms", p, sorted.size(),
                        sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
                        sorted.get(sorted.size() - 1) / 1e6));
            }
            return lines;
        }

        void assertEveryAcknowledgedAppendOnceAndServedInEveryPhase() {
            assertTrue(failures.isEmpty(), "appends failed: " + failures);
            for (String p : phaseOrder) {
                assertTrue(latenciesByPhase.containsKey(p), "no append was acknowledged during: " + p);
            }
            for (int k = 0; k < KEYS; k++) {
                List<Integer> stored = new ArrayList<>();
                for (String token : client.get("key-" + k).split(";")) {
                    if (!token.isEmpty()) {
                        stored.add(Integer.parseInt(token));
                    }
                }
                assertEquals(acknowledged.getOrDefault(k, List.of()), stored, "key-" + k
                        + ": the acknowledged appends, each once and in order");
            }
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                client.close();
            }
        }
    }
}
