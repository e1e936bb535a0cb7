package io.shardkv.group;

import static io.shardkv.group.ShardLab.MILLIS;
import static io.shardkv.group.ShardLab.key;

import io.shardkv.ctrler.SimCtrlerClerk;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.testing.Blocks;
import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.stream.IntStream;

/**
 * The interpreter of the shard scenario scripts ({@code src/test/resources/scripts/shard/*.txt}):
 * the lab's shardkv tests as data, on a {@link ShardLab}. One instance replays one script for one
 * seed; the seed drives the world and every random value and pause. Groups are named by their ids
 * (100, 101, 102); keys by their number (key <i>i</i> lies in shard <i>i</i> mod 10). What a step
 * prints is a fact that holds for every seed; anything a seed decides (byte counts, how many
 * operations ran) stays out of the output, and every check fails the step when it does not hold.
 *
 * <p>Verbs (besides {@link Blocks}' {@code schedule} and {@code repeat}):
 * <ul>
 * <li>{@code cluster snapshot-bytes=N unreliable=B}: the lab's make_config (maxraftstate N, -1:
 *     never snapshot) with one clerk for the steps below; prints the setup.</li>
 * <li>{@code join G...} (one Join; {@code controller=NAME} sends it to another controller),
 *     {@code leave G...}, {@code query}: print the resulting configuration, {@code G=(shards)} per group.
 *     {@code query} also fixes the configuration that {@code owned-by=G} below refers to.</li>
 * <li>{@code add-controller NAME}: a second, independent controller group (TestRejection).</li>
 * <li>{@code shutdown G...} / {@code start G...}, with {@code server=I} for one replica of each;
 *     {@code set-reliable B}; {@code sleep 500ms}; {@code sleep random=900ms} (0–899 ms).</li>
 * <li>{@code put-keys N length=L} (keys 0..N-1, random values), {@code put-keys N value=V},
 *     {@code put-keys owned-by=G value=V}.</li>
 * <li>{@code check-keys [N | handed-off] [owned-by=G] [times=T] [clerk=new]}: every selected key
 *     reads exactly its expected value (all keys by default).</li>
 * <li>{@code check-and-append length=L [times=T]}: the lab's round of read, then append, per key.</li>
 * <li>{@code overwrite-keys owned-by=G suffix=S}: per key read, put value+S, read it back.</li>
 * <li>{@code parallel-gets clerks=N [controller=NAME]}: N new clerks each get one key at once;
 *     completions are gathered until 2 s pass with none; prints how many were served (each must
 *     return its key's value).</li>
 * <li>{@code appenders start length=L pause=D} (a clerk per key appending to it, D between
 *     appends) and {@code appenders stop-and-check} (waits for the last appends; every key holds
 *     exactly its acknowledged appends in order).</li>
 * <li>{@code random-clients start clerks=N length=L} (50 % append, 5 % put, 45 % get on random
 *     keys, back to back) and {@code random-clients stop}; {@code check-linearizable}.</li>
 * <li>{@code check-logs}: the lab's checklogs (Raft state ≤ 8 × maxraftstate, no snapshot at -1).</li>
 * <li>{@code check-persisted-bytes budget=B}: Raft state + snapshots over the 9 replicas ≤ B.</li>
 * <li>{@code held-shards G}: the shards each replica of G holds, with their states.</li>
 * <li>{@code await-handoff from=G to=H}: until a replica of H installed a shard that every
 *     replica of G still holds OUTGOING (that shard is "handed-off" for the steps below);
 *     {@code owed-deletion G}: every replica of G still owes that shard's deletion.</li>
 * <li>{@code await-config G}: until every replica of G is at the newest configuration this script
 *     was given; {@code check-configs}: every replica of every group is at the newest one now.</li>
 * </ul>
 */
final class ShardScript implements ScriptRunner.Interpreter {

    private final long seed;
    private ShardLab lab;
    private Random random;
    private SimShardClerk ck;
    /** What each key must read: its initial value and every acknowledged append, in order. */
    private String[] values = new String[0];
    /** The newest configuration the script's controller calls returned. */
    private Config newest;
    /** The configuration of the latest {@code query}, which {@code owned-by=} refers to. */
    private Config queried;
    private final Map<String, Controller> controllers = new LinkedHashMap<>();
    private Appenders appenders;
    private RandomClients randomClients;
    private int handedOff = -1;

    private record Controller(SimCluster cluster, SimCtrlerClerk admin) {
    }

    private ShardScript(long seed) {
        this.seed = seed;
    }

    /** A fresh interpreter for one replay of a script with {@code seed}, blocks included. */
    static ScriptRunner.Interpreter forSeed(long seed) {
        ShardScript s = new ShardScript(seed);
        return new Blocks(s, () -> s.lab == null ? 0 : s.lab.world.now());
    }

    @Override
    public String run(Directive d) {
        if (d.command().equals("cluster")) {
            return cluster(d.allowing("snapshot-bytes", "unreliable"));
        }
        if (lab == null) {
            throw d.fail("the script must begin with cluster");
        }
        return switch (d.command()) {
            case "join" -> join(d.allowing("controller"));
            case "leave" -> describe(newest = lab.leave(indexes(d.allowing())));
            case "query" -> {
                d.allowing();
                queried = newest = lab.query();
                yield describe(queried);
            }
            case "add-controller" -> addController(d.allowing());
            case "shutdown", "start" -> shutdownOrStart(d.allowing("server"));
            case "set-reliable" -> {
                lab.setReliable(parseBoolean(d, d.allowing().word(0)));
                yield "";
            }
            case "sleep" -> sleep(d.allowing("random"));
            case "put-keys" -> putKeys(d.allowing("length", "value", "owned-by"));
            case "check-keys" -> checkKeys(d.allowing("owned-by", "times", "clerk"));
            case "check-and-append" -> checkAndAppend(d.allowing("length", "times"));
            case "overwrite-keys" -> overwriteKeys(d.allowing("owned-by", "suffix"));
            case "parallel-gets" -> parallelGets(d.allowing("clerks", "controller"));
            case "appenders" -> appenders(d.allowing("length", "pause"));
            case "random-clients" -> randomClients(d.allowing("clerks", "length"));
            case "check-linearizable" -> {
                d.allowing();
                if (!lab.checkLinearizable().isOk()) {
                    throw lab.fail("the history was not shown linearizable");
                }
                yield "the whole history is linearizable";
            }
            case "check-logs" -> checkLogs(d.allowing());
            case "check-persisted-bytes" -> checkPersistedBytes(d.allowing("budget"));
            case "held-shards" -> heldShards(d.allowing());
            case "await-handoff" -> awaitHandoff(d.allowing("from", "to"));
            case "owed-deletion" -> owedDeletion(d.allowing());
            case "await-config" -> awaitConfig(d.allowing());
            case "check-configs" -> checkConfigs(d.allowing());
            default -> throw d.fail("unknown verb");
        };
    }

    // ------------------------------------------------------------------ setup and configuration

    private String cluster(Directive d) {
        if (lab != null) {
            throw d.fail("there is a cluster already");
        }
        long maxRaftState = d.longValue("snapshot-bytes", 0);
        if (maxRaftState == 0 || maxRaftState < -1) {
            throw d.fail("snapshot-bytes must be given: a threshold > 0, or -1 for no snapshots");
        }
        boolean unreliable = d.booleanValue("unreliable", false);
        lab = ShardLab.make(3, unreliable, maxRaftState, seed);
        random = new Random(seed);
        ck = lab.makeClerk();
        return "groups 100 101 102 of " + lab.servers() + " servers, " + ShardLab.NSHARDS + " shards, maxraftstate "
                + maxRaftState + ", " + (unreliable ? "unreliable" : "reliable") + " network";
    }

    private String join(Directive d) {
        int[] gis = indexes(d);
        Controller other = d.value("controller").map(name -> controller(d, name)).orElse(null);
        if (other != null) {
            return describe(lab.join(other.admin(), gis));
        }
        return describe(newest = lab.join(gis));
    }

    private String addController(Directive d) {
        String name = d.word(0);
        if (controllers.containsKey(name) || !controllers.isEmpty()) {
            throw d.fail("one second controller at most, and it is named " + controllers.keySet());
        }
        SimCluster cluster = lab.makeSecondController();
        controllers.put(name, new Controller(cluster, lab.adminOf(cluster)));
        return "";
    }

    private Controller controller(Directive d, String name) {
        Controller c = controllers.get(name);
        if (c == null) {
            throw d.fail("no controller named " + name + "; add-controller makes one");
        }
        return c;
    }

    /** Each group's shards, {@code 101=(0,1,2,3,4) 102=(5,6,7,8,9)}, or {@code no groups}. */
    private static String describe(Config c) {
        if (c.groups().isEmpty()) {
            return "no groups";
        }
        StringJoiner out = new StringJoiner(" ");
        for (int gid : c.groups().keySet()) {
            StringJoiner shards = new StringJoiner(",", gid + "=(", ")");
            c.shardsOf(gid).forEach(s -> shards.add(String.valueOf(s)));
            out.add(shards.toString());
        }
        return out.toString();
    }

    private static int index(Directive d, int gid) {
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            if (ShardLab.GIDS[gi] == gid) {
                return gi;
            }
        }
        throw d.fail("no group " + gid + "; the groups are 100, 101 and 102");
    }

    /** The groups a step names, as indexes into {@link ShardLab#GIDS}. */
    private static int[] indexes(Directive d) {
        List<Integer> gids = d.intWords();
        if (gids.isEmpty()) {
            throw d.fail("name at least one group (100, 101, 102)");
        }
        return gids.stream().mapToInt(g -> index(d, g)).toArray();
    }

    private static int gid(Directive d, String key) {
        int gid = d.intValue(key, -1);
        index(d, gid);
        return gid;
    }

    private static boolean parseBoolean(Directive d, String word) {
        return switch (word) {
            case "true" -> true;
            case "false" -> false;
            default -> throw d.fail("expected true or false, was " + word);
        };
    }

    // ------------------------------------------------------------------ faults and time

    private String shutdownOrStart(Directive d) {
        boolean shutdown = d.command().equals("shutdown");
        int server = d.intValue("server", 0);
        if (server < 0 || server > lab.servers()) {
            throw d.fail("server must be 1.." + lab.servers() + ", was " + server);
        }
        for (int gi : indexes(d)) {
            if (server == 0 && shutdown) {
                lab.shutdownGroup(gi);
            } else if (server == 0) {
                lab.startGroup(gi);
            } else if (shutdown) {
                lab.shutdownServer(gi, server);
            } else {
                lab.startServer(gi, server);
            }
        }
        return "";
    }

    private String sleep(Directive d) {
        if (d.value("random").isPresent()) {
            long bound = d.microsValue("random", 0);
            if (bound < MILLIS || bound % MILLIS != 0) {
                throw d.fail("random= takes whole milliseconds, at least 1ms");
            }
            lab.sleep(random.nextInt((int) (bound / MILLIS)) * MILLIS);
        } else {
            lab.sleep(d.microsWord(0));
        }
        return "";
    }

    // ------------------------------------------------------------------ keys

    private static String randomString(Random random, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private String putKeys(Directive d) {
        if (d.value("owned-by").isPresent()) {
            String value = d.value("value").orElseThrow(() -> d.fail("owned-by= goes with value="));
            List<Integer> keys = ownedBy(d);
            for (int i : keys) {
                values[i] = value;
                lab.put(ck, key(i), value);
            }
            return keys(keys.size()) + " put";
        }
        int n = d.intWord(0);
        int length = d.intValue("length", -1);
        String value = d.value("value").orElse(null);
        if ((length < 0) == (value == null)) {
            throw d.fail("takes length=L (random values) or value=V, one of them");
        }
        values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = value != null ? value : randomString(random, length);
            lab.put(ck, key(i), values[i]);
        }
        return keys(n) + " put";
    }

    /** The keys (of those put) whose shards {@code owned-by=G} owned at the latest query. */
    private List<Integer> ownedBy(Directive d) {
        if (queried == null) {
            throw d.fail("owned-by= refers to the latest query, and there was none");
        }
        List<Integer> shards = queried.shardsOf(gid(d, "owned-by"));
        return IntStream.range(0, values.length).filter(i -> shards.contains(ShardLab.shardOf(key(i)))).boxed().toList();
    }

    private List<Integer> selectedKeys(Directive d) {
        if (d.value("owned-by").isPresent()) {
            return ownedBy(d);
        }
        if (d.words().isEmpty()) {
            return IntStream.range(0, values.length).boxed().toList();
        }
        if (d.word(0).equals("handed-off")) {
            if (handedOff < 0) {
                throw d.fail("no shard was handed off; await-handoff finds one");
            }
            return IntStream.range(0, values.length).filter(i -> ShardLab.shardOf(key(i)) == handedOff).boxed().toList();
        }
        int n = d.intWord(0);
        if (n > values.length) {
            throw d.fail(n + " keys asked for, " + values.length + " were put");
        }
        return IntStream.range(0, n).boxed().toList();
    }

    private static String keys(int n) {
        return n == 1 ? "1 key" : n + " keys";
    }

    private static String times(int times) {
        return times == 1 ? "" : ", " + times + " times";
    }

    private String checkKeys(Directive d) {
        List<Integer> keys = selectedKeys(d);
        int times = d.intValue("times", 1);
        SimShardClerk clerk = switch (d.string("clerk", "same")) {
            case "same" -> ck;
            case "new" -> lab.makeClerk();
            default -> throw d.fail("clerk= is new (a fresh clerk) or same (the default)");
        };
        for (int t = 0; t < times; t++) {
            for (int i : keys) {
                lab.check(clerk, key(i), values[i]);
            }
        }
        return keys(keys.size()) + " read back" + times(times);
    }

    private String checkAndAppend(Directive d) {
        int length = d.intValue("length", -1);
        if (length < 1) {
            throw d.fail("length= (bytes per append) must be given");
        }
        int times = d.intValue("times", 1);
        for (int t = 0; t < times; t++) {
            for (int i = 0; i < values.length; i++) {
                lab.check(ck, key(i), values[i]);
                String x = randomString(random, length);
                lab.append(ck, key(i), x);
                values[i] += x;
            }
        }
        return keys(values.length) + " read back and appended to" + times(times);
    }

    private String overwriteKeys(Directive d) {
        String suffix = d.value("suffix").orElseThrow(() -> d.fail("suffix= must be given"));
        List<Integer> keys = ownedBy(d);
        for (int i : keys) {
            lab.check(ck, key(i), values[i]);
            values[i] += suffix;
            lab.put(ck, key(i), values[i]);
            lab.check(ck, key(i), values[i]);
        }
        return keys(keys.size()) + " read, put with " + suffix + " added and read back";
    }

    /**
     * Starts one Get per new clerk, on keys 0..n-1, and gathers completions until 2 s pass with
     * none; each completion must return its key's value.
     */
    private String parallelGets(Directive d) {
        int n = d.intValue("clerks", 0);
        if (n < 1 || n > values.length) {
            throw d.fail("clerks= must be 1.." + values.length + " (one key each)");
        }
        SimCluster controllers = d.value("controller").map(name -> controller(d, name).cluster()).orElse(null);
        List<SimShardClerk> clerks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clerks.add(controllers == null ? lab.makeClerk() : lab.makeClerk(controllers));
        }
        int[] completed = {0};
        for (int i = 0; i < n; i++) {
            int k = i;
            clerks.get(i).get(key(k), v -> {
                if (!values[k].equals(v)) {
                    throw lab.fail("get(" + key(k) + "): expected " + values[k] + ", got " + v);
                }
                completed[0]++;
            });
        }
        int before;
        do {
            before = completed[0];
            lab.sleep(2 * ShardLab.SECOND);
        } while (completed[0] != before);
        return completed[0] + " of " + n + " gets served, each with its key's value";
    }

    // ------------------------------------------------------------------ clients

    private String appenders(Directive d) {
        switch (d.word(0)) {
            case "start" -> {
                if (appenders != null) {
                    throw d.fail("appenders are running already");
                }
                int length = d.intValue("length", -1);
                if (length < 1 || d.value("pause").isEmpty()) {
                    throw d.fail("start takes length= (bytes per append) and pause= (between appends)");
                }
                appenders = new Appenders(lab, values, random, length, d.microsValue("pause", 0));
                return "";
            }
            case "stop-and-check" -> {
                if (appenders == null) {
                    throw d.fail("no appenders are running");
                }
                appenders.stopAndCheck();
                appenders = null;
                return keys(values.length) + " hold exactly their acknowledged appends, in order";
            }
            default -> throw d.fail("appenders start or appenders stop-and-check");
        }
    }

    private String randomClients(Directive d) {
        switch (d.word(0)) {
            case "start" -> {
                if (randomClients != null) {
                    throw d.fail("random clients are running already");
                }
                int n = d.intValue("clerks", 0);
                int length = d.intValue("length", 0);
                if (n < 1 || length < 1 || values.length == 0) {
                    throw d.fail("start takes clerks= and length=, after put-keys");
                }
                randomClients = new RandomClients(lab, random, values.length, n, length);
                return "";
            }
            case "stop" -> {
                if (randomClients == null) {
                    throw d.fail("no random clients are running");
                }
                int n = randomClients.stop();
                randomClients = null;
                return n + " clients finished their last operations";
            }
            default -> throw d.fail("random-clients start or random-clients stop");
        }
    }

    /** Clients appending to their own keys until told to stop: what each must finally read. */
    private static final class Appenders {
        private final ShardLab lab;
        private final List<SimShardClerk> clerks = new ArrayList<>();
        private final String[] values;
        private final Random random;
        private final int length;
        private final long pauseMicros;
        private boolean stopped;

        Appenders(ShardLab lab, String[] values, Random random, int length, long pauseMicros) {
            this.lab = lab;
            this.values = values;
            this.random = random;
            this.length = length;
            this.pauseMicros = pauseMicros;
            for (int i = 0; i < values.length; i++) {
                clerks.add(lab.makeClerk());
                next(i);
            }
        }

        private void next(int i) {
            if (stopped) {
                return;
            }
            String x = randomString(random, length);
            clerks.get(i).append(key(i), x, () -> {
                values[i] += x;
                lab.world.scheduler().after(pauseMicros, () -> next(i));
            });
        }

        /** Stops issuing, waits for every outstanding append, then checks every key with a new clerk. */
        void stopAndCheck() {
            stopped = true;
            lab.await("the appenders' last operations", () -> clerks.stream().noneMatch(SimShardClerk::busy),
                    ShardLab.STEP_LIMIT);
            SimShardClerk reader = lab.makeClerk();
            for (int i = 0; i < values.length; i++) {
                lab.check(reader, key(i), values[i]);
            }
        }
    }

    /** Clerks doing 50 % append, 5 % put, 45 % get on random keys, back to back until stopped. */
    private static final class RandomClients {
        private final ShardLab lab;
        private final Random random;
        private final int keys;
        private final int length;
        private final List<SimShardClerk> clerks = new ArrayList<>();
        private boolean stopped;

        RandomClients(ShardLab lab, Random random, int keys, int n, int length) {
            this.lab = lab;
            this.random = random;
            this.keys = keys;
            this.length = length;
            for (int c = 0; c < n; c++) {
                SimShardClerk clerk = lab.makeClerk();
                clerks.add(clerk);
                next(clerk);
            }
        }

        private void next(SimShardClerk clerk) {
            if (stopped) {
                return;
            }
            String k = key(random.nextInt(keys));
            int dice = random.nextInt(100);
            Runnable next = () -> next(clerk);
            if (dice < 50) {
                clerk.append(k, randomString(random, length), next);
            } else if (dice < 55) {
                clerk.put(k, randomString(random, length), next);
            } else {
                clerk.get(k, v -> next.run());
            }
        }

        /** Stops issuing and waits for every clerk's last operation; returns how many clerks there were. */
        int stop() {
            stopped = true;
            lab.await("the clients' last operations", () -> clerks.stream().noneMatch(SimShardClerk::busy),
                    ShardLab.STEP_LIMIT);
            return clerks.size();
        }
    }

    // ------------------------------------------------------------------ checks

    private String checkLogs(Directive d) {
        lab.checkLogs();
        long max = lab.maxRaftState();
        return max < 0 ? "no server took a snapshot"
                : "every server's Raft state within 8 x maxraftstate = " + 8 * max + " bytes";
    }

    private String checkPersistedBytes(Directive d) {
        long budget = d.longValue("budget", -1);
        if (budget < 0) {
            throw d.fail("budget= (bytes) must be given");
        }
        long total = lab.totalPersistedBytes();
        if (total > budget) {
            throw lab.fail("persisted " + total + " bytes over 9 servers, budget " + budget);
        }
        System.out.printf("challenge 1 seed %d: %,d bytes persisted over 9 servers (budget %,d)%n", seed, total, budget);
        return "Raft state and snapshots of the 9 servers within " + budget + " bytes";
    }

    private String heldShards(Directive d) {
        int gi = index(d, d.intWord(0));
        StringJoiner out = new StringJoiner("\n");
        for (int i = 1; i <= lab.servers(); i++) {
            ShardGroupStateMachine m = lab.service(gi, i).machine();
            StringJoiner held = new StringJoiner(" ");
            for (int s = 0; s < ShardLab.NSHARDS; s++) {
                if (m.state(s) != null) {
                    held.add(s + "=" + m.state(s));
                }
            }
            out.add("server " + i + ": " + (held.length() == 0 ? "none" : held));
        }
        return out.toString();
    }

    private String awaitHandoff(Directive d) {
        int from = index(d, gid(d, "from"));
        int to = index(d, gid(d, "to"));
        lab.await("a replica of group " + ShardLab.GIDS[to] + " installed a shard that no replica of group "
                + ShardLab.GIDS[from] + " has deleted yet", () -> {
                    for (int i = 1; i <= lab.servers(); i++) {
                        for (ShardGroupStateMachine.GcTask t : lab.service(to, i).machine().gcTasks()) {
                            if (IntStream.rangeClosed(1, lab.servers()).allMatch(
                                    r -> lab.service(from, r).machine().state(t.shard()) == ShardState.OUTGOING)) {
                                handedOff = t.shard();
                                return true;
                            }
                        }
                    }
                    return false;
                }, ShardLab.STEP_LIMIT);
        return "a replica of " + ShardLab.GIDS[to] + " installed a shard that every replica of " + ShardLab.GIDS[from]
                + " still holds OUTGOING";
    }

    private String owedDeletion(Directive d) {
        int gi = index(d, d.intWord(0));
        if (handedOff < 0) {
            throw d.fail("no shard was handed off; await-handoff finds one");
        }
        for (int i = 1; i <= lab.servers(); i++) {
            if (lab.service(gi, i).machine().gcTasks().stream().noneMatch(t -> t.shard() == handedOff)) {
                throw lab.fail("group " + ShardLab.GIDS[gi] + " server " + i + " no longer owes the deletion of shard "
                        + handedOff + ", though its old owner is down");
            }
        }
        return "every replica of " + ShardLab.GIDS[gi] + " still owes the deletion of the handed-off shard";
    }

    private String awaitConfig(Directive d) {
        int gi = index(d, d.intWord(0));
        if (newest == null) {
            throw d.fail("no configuration yet; join first");
        }
        long num = newest.num();
        lab.await("every replica of group " + ShardLab.GIDS[gi] + " takes configuration " + num,
                () -> IntStream.rangeClosed(1, lab.servers()).allMatch(i -> lab.service(gi, i).machine().config().num() == num),
                ShardLab.STEP_LIMIT);
        return "every replica of " + ShardLab.GIDS[gi] + " at configuration " + num;
    }

    private String checkConfigs(Directive d) {
        long num = lab.query().num();
        for (int gi = 0; gi < ShardLab.GIDS.length; gi++) {
            for (int i = 1; i <= lab.servers(); i++) {
                long reached = lab.service(gi, i).machine().config().num();
                if (reached != num) {
                    throw lab.fail("group " + ShardLab.GIDS[gi] + " server " + i + " is at configuration " + reached
                            + ", not the newest, " + num + ": it must catch up on the configurations it missed");
                }
            }
        }
        return "every replica of every group at configuration " + num;
    }
}
