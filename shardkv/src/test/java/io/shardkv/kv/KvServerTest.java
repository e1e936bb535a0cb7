package io.shardkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key/value service on the real runtime: three replicas in this JVM over real sockets and
 * real files with fsync, clients on their own threads. The lab scenarios run on the simulator;
 * these check the same properties where timing, threads and disks are real.
 */
class KvServerTest {

    private static final int CLIENTS = 4;

    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void operationsBehaveAsSpecified() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 1)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            assertNull(ck.get("k"));
            ck.put("k", "a");
            ck.append("k", "b");
            assertEquals("ab", ck.get("k"));
            assertFalse(ck.cas("k", "zz", "c"));
            assertTrue(ck.cas("k", "ab", "c"));
            assertTrue(ck.cas("fresh", null, "1"));
            assertFalse(ck.cas("fresh", null, "2"));
            assertTrue(ck.delete("k"));
            assertFalse(ck.delete("k"));
            assertNull(ck.get("k"));
        }
    }

    /** Concurrent clients on a few keys, with the leader cut off and healed repeatedly. */
    @Test
    void staysLinearizableWhileLeadersArePartitionedAway() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 2)) {
            cluster.startAll();
            History history = new History();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicIntegerArray appended = new AtomicIntegerArray(CLIENTS);
            List<Future<List<String>>> clients = startAppenders(cluster, history, stop, appended);
            for (int round = 0; round < 3; round++) {
                Thread.sleep(700);
                cluster.isolate(cluster.awaitLeader());
                Thread.sleep(1_200);
                cluster.heal();
            }
            awaitEveryClientAppendsMore(appended, 3);
            stop.set(true);
            checkAppends(cluster, clients);
            assertLinearizable(history);
        }
    }

    /**
     * A stopping replica answers new requests SHUTTING_DOWN at once and still answers the one in
     * flight (here, a write that cannot commit: TIMEOUT, or WRONG_LEADER once the cut-off leader
     * steps down) before it closes — never a dropped connection.
     */
    @Test
    void aStoppingReplicaFinishesWhatItStartedAndSendsNewRequestsElsewhere() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 6)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.isolate(leader);
            PeerConnection c = cluster.connect(leader);
            long before = cluster.server(leader).status().lastIndex();
            CompletableFuture<Object> stuck = c.request(new KvRequest(1, 1, 1, KvOp.PUT, b("k"), b("v"), null),
                    Duration.ofSeconds(30));
            long proposed = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cluster.server(leader).status().lastIndex() == before && System.nanoTime() < proposed) {
                Thread.sleep(5);
            }
            assertTrue(cluster.server(leader).status().lastIndex() > before, "the write must be in flight (proposed)");
            Thread closer = new Thread(() -> {
                try {
                    cluster.kill(leader);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            closer.start();
            KvRequest refused = new KvRequest(1, 0, 1, KvOp.GET, new byte[KvLimits.MAX_KEY_BYTES + 1], null, null);
            KvStatus seen = KvStatus.BAD_REQUEST;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen == KvStatus.BAD_REQUEST && System.nanoTime() < deadline) {
                seen = ((KvResponse) c.request(refused, Duration.ofSeconds(30)).get()).status();
            }
            assertEquals(KvStatus.SHUTTING_DOWN, seen, "a request reaching a stopping replica is sent elsewhere");
            KvStatus answer = ((KvResponse) stuck.get(30, TimeUnit.SECONDS)).status();
            assertTrue(answer == KvStatus.TIMEOUT || answer == KvStatus.WRONG_LEADER,
                    "the request in flight gets an answer to retry on before the port closes, got " + answer);
            closer.join();
            c.close();
        }
    }

    /** Every replica stops at once and restarts from its disk while clients keep going. */
    @Test
    void wholeClusterRestartLosesNoAcknowledgedWrite() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 3)) {
            cluster.startAll();
            History history = new History();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicIntegerArray appended = new AtomicIntegerArray(CLIENTS);
            List<Future<List<String>>> clients = startAppenders(cluster, history, stop, appended);
            awaitEveryClientAppendsMore(appended, 5);
            for (int id = 1; id <= 3; id++) {
                cluster.kill(id);
            }
            Thread.sleep(300);
            cluster.startAll();
            awaitEveryClientAppendsMore(appended, 5);
            stop.set(true);
            checkAppends(cluster, clients);
            assertLinearizable(history);
        }
    }

    /**
     * With a small snapshot threshold the leader compacts while a replica is down; the replica
     * restarts behind the leader's log and is caught up by a snapshot.
     */
    @Test
    void replicaThatMissedCompactedEntriesIsCaughtUpFromASnapshot() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 4096, 4)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            ck.put("before", "1");
            int leader = cluster.awaitLeader();
            int lagging = leader % 3 + 1;
            cluster.kill(lagging);
            for (int i = 0; i < 300; i++) {
                ck.put("key-" + (i % 20), "value-" + i);
            }
            try (Stream<Path> files = Files.list(tmp.resolve("replica-" + leader))) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("snapshot-")),
                        "the leader should have taken a snapshot");
            }
            cluster.start(lagging);
            long target = cluster.server(leader).status().commitIndex();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cluster.server(lagging).status().appliedIndex() < target && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(cluster.server(lagging).status().appliedIndex() >= target, "lagging replica did not catch up");
            cluster.kill(leader);
            assertEquals("value-299", ck.get("key-19"));
            assertEquals("1", ck.get("before"));
        }
    }

    /** {@link #CLIENTS} threads, each appending numbered tokens to its own key and to a shared one. */
    /**
     * Waits until every client has had {@code more} further appends acknowledged — progress, not
     * time, so a slow machine stretches the test instead of failing it.
     */
    private static void awaitEveryClientAppendsMore(AtomicIntegerArray appended, int more) throws InterruptedException {
        int[] target = new int[appended.length()];
        for (int c = 0; c < target.length; c++) {
            target[c] = appended.get(c) + more;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int c = 0; c < target.length; c++) {
            while (appended.get(c) < target[c]) {
                assertTrue(System.nanoTime() < deadline, "client " + c + " made no progress within 60 s");
                Thread.sleep(10);
            }
        }
    }

    private static List<Future<List<String>>> startAppenders(KvServerCluster cluster, History history,
                                                             AtomicBoolean stop, AtomicIntegerArray acknowledged) {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int id = c;
            KvClerk ck = cluster.clerk(history);
            futures.add(pool.submit(() -> {
                Random random = new Random(id);
                List<String> appended = new ArrayList<>();
                ck.put("own-" + id, "");
                for (int j = 0; !stop.get() && j < 100_000; j++) {
                    String token = "[" + id + "." + j + "]";
                    switch (random.nextInt(4)) {
                        case 0 -> ck.get("shared");
                        case 1 -> ck.put("shared", token);
                        default -> {
                            ck.append("own-" + id, token);
                            appended.add(token);
                            acknowledged.incrementAndGet(id);
                        }
                    }
                }
                return appended;
            }));
        }
        pool.shutdown();
        return futures;
    }

    /** Every token a client appended is in its key exactly once, in order. */
    private static void checkAppends(KvServerCluster cluster, List<Future<List<String>>> clients) throws Exception {
        KvClerk reader = cluster.clerk(new History());
        for (int c = 0; c < clients.size(); c++) {
            List<String> tokens = clients.get(c).get(120, TimeUnit.SECONDS);
            String value = reader.get("own-" + c);
            assertTrue(!tokens.isEmpty(), "client " + c + " appended nothing");
            int last = -1;
            for (String token : tokens) {
                int at = value.indexOf(token);
                assertTrue(at >= 0, "client " + c + ": lost append " + token);
                assertTrue(value.indexOf(token, at + 1) < 0, "client " + c + ": duplicated append " + token);
                assertTrue(at > last, "client " + c + ": append " + token + " out of order");
                last = at;
            }
            assertEquals(String.join("", tokens), value, "client " + c + ": unexpected content");
        }
    }

    private static void assertLinearizable(History history) {
        CheckResult result = LinearizabilityChecker.check(history.operations(), Duration.ofSeconds(60));
        assertTrue(result.isOk(), result.describe());
    }
}
