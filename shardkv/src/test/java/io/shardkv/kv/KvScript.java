package io.shardkv.kv;

import static io.shardkv.kv.KvLab.SECOND;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.testing.Blocks;
import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * The interpreter of the kv scenario scripts ({@code src/test/resources/scripts/kv/*.txt}): the
 * kvraft lab's special tests as data, on a {@link KvLab}. One instance replays one script for one
 * seed. Clerks have names; {@code ck} is made with the cluster and is the default. What a step
 * prints holds for every seed; every check fails the step when it does not hold. A step that waits
 * for an operation fails after 60 s of virtual time unless it says otherwise.
 *
 * <p>Verbs (besides {@link Blocks}' {@code schedule} and {@code repeat}):
 * <ul>
 * <li>{@code cluster servers=N snapshot-bytes=B unreliable=U}: the lab's make_config (B: bytes of
 *     applied log between snapshots, -1 never).</li>
 * <li>{@code clerk NAME servers=(1,2)} or {@code clerk NAME side=majority|minority}: a clerk that
 *     reaches only those servers (the lab's makeClient(to)); {@code talk-to-all NAME...}.</li>
 * <li>{@code put KEY VALUE [clerk=NAME]} ({@code ""} is the empty value), {@code get KEY
 *     [clerk=NAME]} (prints the value, or {@code (absent)}), {@code put-keys N [clerk=NAME]}
 *     (keys "0".."N-1", each its own value).</li>
 * <li>{@code begin-put KEY VALUE clerk=NAME}, {@code begin-get KEY clerk=NAME}: start an operation
 *     without waiting; {@code pending} prints each begun operation's state; {@code await NAME
 *     within=D} waits for NAME's operation at most D.</li>
 * <li>{@code partition (1,2) (3)}; {@code partition leader-in-minority} (the leader and one other
 *     server against the other three: sides {@code majority} and {@code minority}); {@code heal};
 *     {@code sleep 1s}.</li>
 * <li>{@code append-sequentially N key=K limit=D}: N appends one after another within D of virtual
 *     time, and K then holds them in order.</li>
 * <li>{@code append-chains clerks=C appends=A key=K within=D}: C clerks each append A tokens to K,
 *     one after another, all within D; then each token is in K once and each clerk's in order.</li>
 * <li>{@code check-logs} (the lab's: largest Raft state ≤ 8 × maxraftstate; with -1 no snapshot),
 *     {@code check-snapshot-size max=B} (a snapshot was taken, none larger than B),
 *     {@code check-snapshot-sent} (an InstallSnapshot went out), {@code check-linearizable}.</li>
 * <li>{@code mark-leader-log} and {@code check-leader-log}: the leader's term and last log index
 *     then are still its term and last index now.</li>
 * </ul>
 */
final class KvScript implements ScriptRunner.Interpreter {

    private static final long STEP_LIMIT = 60 * SECOND;

    private final long seed;
    private KvLab lab;
    private long maxRaftState;
    private final Map<String, SimKvClerk> clerks = new LinkedHashMap<>();
    private final Map<String, List<Integer>> sides = new LinkedHashMap<>();
    /** Operations begun and not awaited yet, by clerk name: what they are, and whether they completed. */
    private final Map<String, Begun> begun = new LinkedHashMap<>();
    private int markedLeader;
    private long markedTerm;
    private long markedIndex;

    private static final class Begun {
        final String what;
        boolean completed;

        Begun(String what) {
            this.what = what;
        }
    }

    private KvScript(long seed) {
        this.seed = seed;
    }

    /** A fresh interpreter for one replay of a script with {@code seed}, blocks included. */
    static ScriptRunner.Interpreter forSeed(long seed) {
        KvScript s = new KvScript(seed);
        return new Blocks(s, () -> s.lab == null ? 0 : s.lab.cluster.now());
    }

    @Override
    public String run(Directive d) {
        if (d.command().equals("cluster")) {
            return cluster(d.allowing("servers", "snapshot-bytes", "unreliable"));
        }
        if (lab == null) {
            throw d.fail("the script must begin with cluster");
        }
        return switch (d.command()) {
            case "clerk" -> clerk(d.allowing("servers", "side"));
            case "talk-to-all" -> {
                d.allowing().words().forEach(name -> clerk(d, name).talkTo(lab.allServers()));
                yield "";
            }
            case "put" -> {
                SimKvClerk ck = clerk(d, d.allowing("clerk").string("clerk", "ck"));
                String key = d.word(0);
                String value = value(d);
                sync(d, done -> ck.put(key, value, done));
                yield "";
            }
            case "get" -> {
                String value = get(d, clerk(d, d.allowing("clerk").string("clerk", "ck")), d.word(0));
                yield value == null ? "(absent)" : value;
            }
            case "put-keys" -> putKeys(d.allowing("clerk"));
            case "begin-put", "begin-get" -> begin(d.allowing("clerk"));
            case "pending" -> pending(d.allowing());
            case "await" -> await(d.allowing("within"));
            case "partition" -> partition(d.allowing());
            case "heal" -> {
                d.allowing();
                lab.heal();
                yield "";
            }
            case "sleep" -> {
                lab.sleep(d.allowing().microsWord(0));
                yield "";
            }
            case "append-sequentially" -> appendSequentially(d.allowing("key", "limit"));
            case "append-chains" -> appendChains(d.allowing("clerks", "appends", "key", "within"));
            case "check-logs" -> checkLogs(d.allowing());
            case "check-snapshot-size" -> checkSnapshotSize(d.allowing("max"));
            case "check-snapshot-sent" -> {
                d.allowing();
                if (lab.cluster.network().sent(Message.InstallSnapshot.class) == 0) {
                    throw lab.cluster.fail("the lagging server must have been sent a snapshot");
                }
                yield "an InstallSnapshot was sent";
            }
            case "check-linearizable" -> {
                d.allowing();
                if (!lab.checkLinearizable().isOk()) {
                    throw lab.cluster.fail("the history was not shown linearizable");
                }
                yield "the whole history is linearizable";
            }
            case "mark-leader-log" -> markLeaderLog(d.allowing());
            case "check-leader-log" -> checkLeaderLog(d.allowing());
            default -> throw d.fail("unknown verb");
        };
    }

    // ------------------------------------------------------------------ cluster and clerks

    private String cluster(Directive d) {
        if (lab != null) {
            throw d.fail("there is a cluster already");
        }
        int servers = d.intValue("servers", 0);
        maxRaftState = d.longValue("snapshot-bytes", 0);
        if (servers < 1 || maxRaftState == 0 || maxRaftState < -1) {
            throw d.fail("takes servers=N and snapshot-bytes= (a threshold > 0, or -1 for no snapshots)");
        }
        boolean unreliable = d.booleanValue("unreliable", false);
        lab = KvLab.make(servers, unreliable, maxRaftState, seed);
        clerks.put("ck", lab.makeClerk());
        return servers + " servers, maxraftstate " + maxRaftState + ", " + (unreliable ? "unreliable" : "reliable")
                + " network";
    }

    private String clerk(Directive d) {
        String name = d.word(0);
        if (clerks.containsKey(name)) {
            throw d.fail("there is a clerk named " + name + " already");
        }
        List<Integer> servers = d.value("side").map(side -> {
            List<Integer> s = sides.get(side);
            if (s == null) {
                throw d.fail("no side named " + side + "; the sides are " + sides.keySet());
            }
            return s;
        }).orElseGet(() -> d.intValues("servers", lab.allServers()));
        clerks.put(name, lab.makeClerk(servers));
        return "";
    }

    private SimKvClerk clerk(Directive d, String name) {
        SimKvClerk ck = clerks.get(name);
        if (ck == null) {
            throw d.fail("no clerk named " + name + "; the clerks are " + clerks.keySet());
        }
        return ck;
    }

    /** The step's second word, the value; {@code ""} is the empty string. */
    private static String value(Directive d) {
        String v = d.word(1);
        return v.equals("\"\"") ? "" : v;
    }

    /** Runs {@code op} (which calls back when done) and waits for it. */
    private void sync(Directive d, Consumer<Runnable> op) {
        boolean[] done = {false};
        op.accept(() -> done[0] = true);
        lab.await(d.commandLine(), () -> done[0], STEP_LIMIT);
    }

    private String get(Directive d, SimKvClerk clerk, String key) {
        String[] value = new String[1];
        sync(d, done -> clerk.get(key, v -> {
            value[0] = v;
            done.run();
        }));
        return value[0];
    }

    private String putKeys(Directive d) {
        SimKvClerk ck = clerk(d, d.string("clerk", "ck"));
        int n = d.intWord(0);
        for (int i = 0; i < n; i++) {
            String k = String.valueOf(i);
            sync(d, done -> ck.put(k, k, done));
        }
        return n + " keys put";
    }

    private String begin(Directive d) {
        String name = d.value("clerk").orElseThrow(() -> d.fail("clerk= must be given"));
        SimKvClerk ck = clerk(d, name);
        if (begun.containsKey(name)) {
            throw d.fail("clerk " + name + " has an operation in flight already");
        }
        Begun b = new Begun(d.commandLine().replace("begin-", "").replace(" clerk=" + name, ""));
        begun.put(name, b);
        if (d.command().equals("begin-put")) {
            ck.put(d.word(0), value(d), () -> b.completed = true);
        } else {
            ck.get(d.word(0), v -> b.completed = true);
        }
        return "";
    }

    private String pending(Directive d) {
        StringJoiner out = new StringJoiner("\n");
        begun.forEach((name, b) -> out.add(name + ": " + b.what + (b.completed ? " completed" : " pending")));
        return out.length() == 0 ? "nothing begun" : out.toString();
    }

    private String await(Directive d) {
        String name = d.word(0);
        Begun b = begun.remove(name);
        if (b == null) {
            throw d.fail("clerk " + name + " has no operation in flight");
        }
        long within = d.microsValue("within", STEP_LIMIT);
        lab.await(name + "'s " + b.what + " completes", () -> b.completed, within);
        return name + ": " + b.what + " completed";
    }

    private String partition(Directive d) {
        List<String> words = d.words();
        if (words.equals(List.of("leader-in-minority"))) {
            int leader = lab.leader();
            if (leader == 0) {
                throw lab.cluster.fail("no leader to partition away");
            }
            List<Integer> majority = new ArrayList<>();
            List<Integer> minority = new ArrayList<>(List.of(leader));
            for (int s : lab.allServers()) {
                if (s != leader) {
                    (majority.size() < lab.servers() / 2 + 1 ? majority : minority).add(s);
                }
            }
            lab.partition(majority, minority);
            sides.put("majority", majority);
            sides.put("minority", minority);
            return "majority of " + majority.size() + " without the leader, minority of " + minority.size()
                    + " with it";
        }
        if (words.size() != 2) {
            throw d.fail("partition (1,2) (3), or partition leader-in-minority");
        }
        lab.partition(servers(d, words.get(0)), servers(d, words.get(1)));
        return "";
    }

    private List<Integer> servers(Directive d, String side) {
        if (!side.startsWith("(") || !side.endsWith(")")) {
            throw d.fail("a side is a list of servers such as (1,2), was " + side);
        }
        List<Integer> out = new ArrayList<>();
        for (String s : side.substring(1, side.length() - 1).split(",")) {
            try {
                out.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw d.fail("a side is a list of servers such as (1,2), was " + side);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ workloads

    /** TestSpeed: appends one after another; the whole run must fit the lab's budget. */
    private String appendSequentially(Directive d) {
        int n = d.intWord(0);
        String key = d.value("key").orElseThrow(() -> d.fail("key= must be given"));
        long limit = d.microsValue("limit", -1);
        if (limit < 0) {
            throw d.fail("limit= (virtual time for all of them) must be given");
        }
        SimKvClerk ck = clerks.get("ck");
        long start = lab.cluster.now();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String token = "x 0 " + i + " y";
            sync(d, done -> ck.append(key, token, done));
            expected.append(token);
        }
        long micros = lab.cluster.now() - start;
        if (micros > limit) {
            throw lab.cluster.fail(n + " appends took " + micros / 1000 + " ms of virtual time, more than "
                    + limit / 1000 + " ms");
        }
        String value = get(d, ck, key);
        if (!expected.toString().equals(value)) {
            throw lab.cluster.fail(key + " does not hold the " + n + " appends in order: " + value);
        }
        return n + " appends within " + limit / 1000 + " ms of virtual time; " + key + " holds them in order";
    }

    /**
     * TestUnreliableOneKey: tokens rather than the history are checked, as in the lab; 50
     * overlapping appends observed by one final read leave a Wing–Gong search nothing to prune on.
     */
    private String appendChains(Directive d) {
        int clerkCount = d.intValue("clerks", 0);
        int appends = d.intValue("appends", 0);
        String key = d.value("key").orElseThrow(() -> d.fail("key= must be given"));
        long within = d.microsValue("within", -1);
        if (clerkCount < 1 || appends < 1 || within < 0) {
            throw d.fail("takes clerks=, appends=, key= and within=");
        }
        int[] finished = {0};
        for (int c = 0; c < clerkCount; c++) {
            appendChain(lab.makeClerk(), key, c, 0, appends, () -> finished[0]++);
        }
        lab.await("all appends", () -> finished[0] == clerkCount, within);
        String value = get(d, clerks.get("ck"), key);
        for (int c = 0; c < clerkCount; c++) {
            int last = -1;
            for (int j = 0; j < appends; j++) {
                String token = "x " + c + " " + j + " y";
                int at = value.indexOf(token);
                if (at < 0 || value.indexOf(token, at + 1) >= 0) {
                    throw lab.cluster.fail(token + " must appear once in " + value);
                }
                if (at <= last) {
                    throw lab.cluster.fail(token + " out of order in " + value);
                }
                last = at;
            }
        }
        return clerkCount + " x " + appends + " appends: each token in " + key + " once, each clerk's in order";
    }

    private static void appendChain(SimKvClerk clerk, String key, int c, int j, int appends, Runnable done) {
        if (j == appends) {
            done.run();
            return;
        }
        clerk.append(key, "x " + c + " " + j + " y", () -> appendChain(clerk, key, c, j + 1, appends, done));
    }

    // ------------------------------------------------------------------ checks

    private String checkLogs(Directive d) {
        if (maxRaftState > 0) {
            if (lab.logSize() > 8 * maxRaftState) {
                throw lab.cluster.fail("logs were not trimmed (" + lab.logSize() + " > 8*" + maxRaftState + ")");
            }
            return "largest Raft state within 8 x maxraftstate = " + 8 * maxRaftState + " bytes";
        }
        if (lab.snapshotSize() > 0) {
            throw lab.cluster.fail("snapshot taken although snapshots are off (" + lab.snapshotSize() + " bytes)");
        }
        return "no server took a snapshot";
    }

    private String checkSnapshotSize(Directive d) {
        long max = d.longValue("max", -1);
        if (max < 0) {
            throw d.fail("max= (bytes) must be given");
        }
        if (lab.snapshotSize() > max) {
            throw lab.cluster.fail("snapshot too large (" + lab.snapshotSize() + " bytes)");
        }
        if (lab.snapshotSize() == 0) {
            throw lab.cluster.fail("no snapshot was taken");
        }
        return "a snapshot was taken, none larger than " + max + " bytes";
    }

    private String markLeaderLog(Directive d) {
        markedLeader = lab.leader();
        if (markedLeader == 0) {
            throw lab.cluster.fail("no leader to mark");
        }
        RaftCore core = lab.cluster.node(markedLeader).core();
        markedTerm = core.term();
        markedIndex = core.lastLogIndex();
        return "";
    }

    private String checkLeaderLog(Directive d) {
        if (markedLeader == 0) {
            throw d.fail("mark-leader-log first");
        }
        RaftCore core = lab.cluster.node(markedLeader).core();
        if (core == null || core.term() != markedTerm) {
            throw lab.cluster.fail("leadership changed; the count would mean nothing");
        }
        if (core.lastLogIndex() != markedIndex) {
            throw lab.cluster.fail("reads added log entries: last index " + markedIndex + " became "
                    + core.lastLogIndex());
        }
        return "the leader's term and last log index are unchanged";
    }
}
