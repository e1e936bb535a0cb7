package io.shardkv.kv;

import static io.shardkv.kv.KvLab.SECOND;

import io.shardkv.raft.sim.LabHarness;
import io.shardkv.raft.sim.SteppingClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kvraft lab's GenericTest matrix (§6.1 of the scenario catalogue) on the simulator, in
 * virtual time: 3 rounds of clients appending, putting and reading for 5 s while the network
 * partitions, loses and reorders messages and servers crash and restart; each round ends with
 * every client's appends present exactly once and in order, the log within 8 × the snapshot
 * threshold, and at the end the whole history must be linearizable.
 */
class KvGenericScenariosTest {

    /** One row of the lab's table. {@code maxRaftState} -1: snapshots are forbidden. */
    record Generic(String lab, int clients, int servers, boolean unreliable, boolean crash, boolean partitions,
                   long maxRaftState, boolean randomKeys) {
        @Override
        public String toString() {
            return lab;
        }
    }

    static final List<Generic> MATRIX = List.of(
            new Generic("TestBasic4A", 1, 5, false, false, false, -1, false),
            new Generic("TestConcurrent4A", 5, 5, false, false, false, -1, false),
            new Generic("TestUnreliable4A", 5, 5, true, false, false, -1, false),
            new Generic("TestManyPartitionsOneClient4A", 1, 5, false, false, true, -1, false),
            new Generic("TestManyPartitionsManyClients4A", 5, 5, false, false, true, -1, false),
            new Generic("TestPersistOneClient4A", 1, 5, false, true, false, -1, false),
            new Generic("TestPersistConcurrent4A", 5, 5, false, true, false, -1, false),
            new Generic("TestPersistConcurrentUnreliable4A", 5, 5, true, true, false, -1, false),
            new Generic("TestPersistPartition4A", 5, 5, false, true, true, -1, false),
            new Generic("TestPersistPartitionUnreliable4A", 5, 5, true, true, true, -1, false),
            new Generic("TestPersistPartitionUnreliableLinearizable4A", 15, 7, true, true, true, -1, true),
            new Generic("TestSnapshotRecover4B", 1, 5, false, true, false, 1000, false),
            new Generic("TestSnapshotRecoverManyClients4B", 20, 5, false, true, false, 1000, false),
            new Generic("TestSnapshotUnreliable4B", 5, 5, true, false, false, 1000, false),
            new Generic("TestSnapshotUnreliableRecover4B", 5, 5, true, true, false, 1000, false),
            new Generic("TestSnapshotUnreliableRecoverConcurrentPartition4B", 5, 5, true, true, true, 1000, false),
            new Generic("TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4B", 15, 7, true, true, true, 1000,
                    true));

    static Stream<Arguments> cases() {
        return MATRIX.stream().flatMap(g -> LabHarness.seeds().mapToObj(seed -> Arguments.of(g, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void genericRunKeepsEveryAppendExactlyOnceAndStaysLinearizable(Generic g, long seed) {
        KvLab lab = KvLab.make(g.servers(), g.unreliable(), g.maxRaftState(), seed);
        Random random = new Random(seed);
        List<SimKvClerk> clerks = new ArrayList<>();
        for (int c = 0; c < g.clients(); c++) {
            clerks.add(lab.makeClerk());
        }
        SimKvClerk checker = lab.makeClerk();
        for (int round = 0; round < 3; round++) {
            List<AppendingClient> clients = new ArrayList<>();
            for (int c = 0; c < g.clients(); c++) {
                AppendingClient client = new AppendingClient(lab, clerks.get(c), c, g.clients(), g.randomKeys(),
                        new Random(random.nextLong()));
                clients.add(client);
                client.start();
            }
            Partitioner partitioner = g.partitions() ? new Partitioner(lab, random) : null;
            if (partitioner != null) {
                lab.cluster.scheduler().after(SECOND, partitioner::step);
            }
            lab.sleep(5 * SECOND);
            clients.forEach(AppendingClient::stop);
            if (partitioner != null) {
                partitioner.stop();
                lab.heal();
                lab.sleep(SECOND);
            }
            if (g.crash()) {
                lab.crashAndRestartAll();
            }
            lab.await("clients finish their last operation", () -> clients.stream().allMatch(AppendingClient::done),
                    60 * SECOND);
            if (!g.randomKeys()) {
                for (AppendingClient client : clients) {
                    client.checkAppends(checker);
                }
            }
            if (g.maxRaftState() > 0 && lab.logSize() > 8 * g.maxRaftState()) {
                throw lab.cluster.fail("logs were not trimmed (" + lab.logSize() + " > 8*" + g.maxRaftState() + ")");
            }
            if (g.maxRaftState() < 0 && lab.snapshotSize() > 0) {
                throw lab.cluster.fail("snapshot taken although snapshots are off (" + lab.snapshotSize() + " bytes)");
            }
        }
        lab.checkLinearizable();
    }

    /**
     * One lab client: 50 % appends of a token "x c j y" (to its own key, or a random one), with
     * random keys 5 % puts, otherwise reads — and without random keys every read must return
     * exactly what this client appended so far.
     */
    static final class AppendingClient extends SteppingClient {
        private final KvLab lab;
        private final SimKvClerk clerk;
        private final int id;
        private final int clients;
        private final boolean randomKeys;
        private final Random random;
        private final List<String> appended = new ArrayList<>();
        private String expected = "";
        private int next;

        AppendingClient(KvLab lab, SimKvClerk clerk, int id, int clients, boolean randomKeys, Random random) {
            this.lab = lab;
            this.clerk = clerk;
            this.id = id;
            this.clients = clients;
            this.randomKeys = randomKeys;
            this.random = random;
        }

        void start() {
            if (randomKeys) {
                step();
            } else {
                clerk.put(String.valueOf(id), "", this::step);
            }
        }

        @Override
        protected void issue() {
            String key = randomKeys ? String.valueOf(random.nextInt(clients)) : String.valueOf(id);
            String token = "x " + id + " " + next + " y";
            if (random.nextInt(1000) < 500) {
                clerk.append(key, token, () -> {
                    expected += token;
                    appended.add(token);
                    next++;
                    step();
                });
            } else if (randomKeys && random.nextInt(1000) < 100) {
                clerk.put(key, token, this::step);
            } else {
                clerk.get(key, value -> {
                    if (!randomKeys && !expected.equals(value == null ? "" : value)) {
                        throw lab.cluster.fail("client " + id + ": get wrong value for key " + key + ", expected \""
                                + expected + "\", got \"" + value + "\"");
                    }
                    step();
                });
            }
        }

        /** Every token this client appended is in its key exactly once, in order (the lab's checkClntAppends). */
        void checkAppends(SimKvClerk reader) {
            String[] value = new String[1];
            boolean[] read = {false};
            reader.get(String.valueOf(id), v -> {
                value[0] = v == null ? "" : v;
                read[0] = true;
            });
            lab.await("final read of client " + id + "'s key", () -> read[0], 60 * SECOND);
            int last = -1;
            for (String token : appended) {
                int at = value[0].indexOf(token);
                if (at < 0) {
                    throw lab.cluster.fail("client " + id + ": missing append " + token + " in " + value[0]);
                }
                if (value[0].indexOf(token, at + 1) >= 0) {
                    throw lab.cluster.fail("client " + id + ": duplicate append " + token);
                }
                if (at <= last) {
                    throw lab.cluster.fail("client " + id + ": append " + token + " out of order");
                }
                last = at;
            }
        }
    }

    /** Every 1.0–1.2 s, splits the servers into two random sides (either may be empty). */
    static final class Partitioner {
        private final KvLab lab;
        private final Random random;
        private boolean stopped;

        Partitioner(KvLab lab, Random random) {
            this.lab = lab;
            this.random = new Random(random.nextLong());
        }

        void step() {
            if (stopped) {
                return;
            }
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();
            for (int s : lab.allServers()) {
                (random.nextBoolean() ? a : b).add(s);
            }
            lab.partition(a, b);
            lab.cluster.scheduler().after(SECOND + random.nextInt(200_000), this::step);
        }

        void stop() {
            stopped = true;
        }
    }
}
