package io.shardkv.raft.sim;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.testing.Blocks;
import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The interpreter of the Raft lab scripts ({@code src/test/resources/scripts/lab/*.txt}): the
 * 6.5840 Raft tests (parts 3A–3D) as data, on a {@link LabHarness}. One instance replays one script
 * for one seed; the seed drives the simulated group and every random choice a step makes (random
 * commands, nodes, counts and pauses). What a step prints holds for every seed — the facts the lab
 * asserts, the indexes it requires, the bounds it sets — and every check fails the step when it does
 * not hold. Times are virtual.
 *
 * <p><b>Nodes</b> are written {@code 2} (a server id, 1..n), {@code L} (a name bound by
 * {@code as=}), {@code L+1} (the lab's {@code (leader + 1) % n}: the next server after L, cyclically),
 * {@code all}, {@code connected} (up and not cut off, as the lab's {@code connected[]}) or
 * {@code random} (one server drawn at random). A name may stand for several servers or none.
 * <b>Indexes</b> are written {@code 2}, {@code i} (a name bound by {@code as=}) or {@code i+1}; an
 * expected index ({@code index=}) may also be {@code next} (one past the last index a step of this
 * script got), {@code A..B} (from A to B) or {@code A..} (A or later). <b>Commands</b> are numbers
 * (8 bytes each) or {@code random} (a random 8-byte command; with {@code bytes=N}, N random bytes);
 * {@code count=N} or {@code count=A..B} (a random count) repeats a single command, drawing each
 * random one afresh.
 *
 * <p>Verbs (besides {@link Blocks}' {@code schedule} and {@code repeat}):
 * <ul>
 * <li>{@code group n=N [reliable=B] [snapshots=B]}: the lab's make_config (default reliable, no
 *     snapshots); prints the setup.</li>
 * <li>{@code network reliable|unreliable|long-reordering}: the lab's setreliable and
 *     setlongreordering (see {@link NetworkFaults}).</li>
 * <li>{@code sleep 1s}; {@code sleep random=D} (uniform in [0, D)); {@code sleep random=D
 *     chance=P% else-random=E} (the first with probability P, else the second).</li>
 * <li>{@code disconnect NODES [as=NAME]}, {@code connect NODES}, {@code crash NODES} (those that are
 *     up; what they had not made durable is gone), {@code start NODES} (the lab's start1: a fresh
 *     instance from durable state, crashing a running one first), {@code restore NODES} (each that
 *     is not connected: start it if it is down, and connect it). {@code chance=P%} (disconnect, crash,
 *     restore) does the step with probability P; {@code if-connected-below=K} (restore) only when fewer
 *     than K servers are connected.</li>
 * <li>{@code pick NAME from=(NODES) not=NODE}: NAME is the first of those that is not NODE.</li>
 * <li>{@code check-one-leader [as=NAME]}: the lab's checkOneLeader (10 rounds of 450–549 ms; two
 *     leaders in one term fail at once); NAME is the newest term's leader.
 *     {@code check-no-leader}: no connected server is leader.
 *     {@code check-terms [as=T] [min=K] [equal=T]}: the connected servers agree on the term.</li>
 * <li>{@code one COMMANDS servers=K retry=B [index=I] [as=NAME]}: the lab's one() for each command
 *     (within 10 s some server accepts it, and within 2 s of that K servers apply it there; without
 *     retry the first miss fails); {@code index=} is the index each must land at.</li>
 * <li>{@code one-concurrently COMMANDS servers=K}: one() for all the commands at once.</li>
 * <li>{@code propose COMMANDS at=NODES [index=I] [as=NAME] [leader-as=NAME] [term=T]}: the lab's
 *     Start at each node in turn. A refusal is ignored (as the lab ignores it) unless
 *     {@code index=} expects an index. {@code as=} names the accepted indexes, {@code leader-as=}
 *     the last node that accepted one (the lab's figure 8 {@code leader}), none if none did.</li>
 * <li>{@code propose-concurrently COMMANDS at=NODE term=T as=NAME}: all Starts at once, each
 *     answered within 1 s.</li>
 * <li>{@code attempts max=N pause=D}: a block. Its body runs again, after D, when a step with
 *     {@code term=T} finds the term changed (a refusal, an index accepted in another term, a wait
 *     that sees a newer term); the first step naming T binds it. Prints the finished attempt's
 *     output; N abandoned attempts fail ("term changed too often").</li>
 * <li>{@code wait-applied NAME servers=K [term=T]}: the lab's wait() for each index of NAME.</li>
 * <li>{@code n-committed I}: how many servers applied index I.</li>
 * <li>{@code check-committed COMMANDS at=NAME}: the i-th command is applied at the i-th index of
 *     NAME. {@code check-uncommitted COMMAND at=NAME}: it is applied at none of them.</li>
 * <li>{@code mark NAME}: remembers the traffic counters; {@code sent requests|bytes|TYPE [since=NAME]
 *     [min=A] [max=B]}: requests (what the lab counts as RPCs), bytes of every message, or messages of
 *     a {@link Message} type sent since then (or since the group was made) lie within the bounds;
 *     {@code bytes} also prints the bytes of commands one() committed meanwhile.</li>
 * <li>{@code log-size below=B}: the lab's LogSize() (the largest persisted Raft state) is under B.</li>
 * <li>{@code clients start count=N}, {@code clients stop}, {@code clients check up-to=I}: the churn
 *     tests' clients ({@link ChurnClients}); every value they saw committed is in the final log, up
 *     to index I, on every server.</li>
 * </ul>
 */
final class LabScript implements ScriptRunner.Interpreter {

    /** Message types by simple name, for {@code sent TYPE}. */
    private static final Map<String, Class<?>> MESSAGE_TYPES = new HashMap<>();

    static {
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            MESSAGE_TYPES.put(type.getSimpleName(), type);
        }
    }

    /** Words a name may not be: they stand for servers or indexes themselves. */
    private static final Set<String> RESERVED = Set.of("all", "connected", "random", "next");

    /** Thrown by a step with {@code term=} when the term changed: its {@code attempts} block starts over. */
    private static final class TermChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TermChanged(String message) {
            super(message, null, false, false);
        }
    }

    /** The traffic counters at one point of the script. */
    private record Mark(long requests, long bytes, long commandBytes, Map<Class<?>, Long> byType) {
    }

    private final long seed;
    private Blocks blocks;
    private LabHarness h;
    private Random random;
    private final Map<String, List<Integer>> nodes = new HashMap<>();
    private final Map<String, List<Long>> indexes = new HashMap<>();
    private final Map<String, Long> terms = new HashMap<>();
    private final Map<String, Mark> marks = new HashMap<>();
    private Mark made;
    /** The last index a step got (committed or accepted), or -1 when there is none to count from. */
    private long lastIndex = -1;
    /** Bytes of the commands one() committed so far. */
    private long commandBytes;
    private boolean inAttempt;
    private ChurnClients clients;

    private LabScript(long seed) {
        this.seed = seed;
    }

    /** A fresh interpreter for one replay of a script with {@code seed}, blocks included. */
    static ScriptRunner.Interpreter forSeed(long seed) {
        LabScript s = new LabScript(seed);
        s.blocks = new Blocks(s, () -> s.h == null ? 0 : s.h.cluster().now());
        return s.blocks;
    }

    @Override
    public String run(Directive d) throws Exception {
        if (d.command().equals("group")) {
            return group(d.allowing("n", "reliable", "snapshots"));
        }
        if (h == null) {
            throw d.fail("the script must begin with group");
        }
        return switch (d.command()) {
            case "network" -> network(d.allowing());
            case "sleep" -> sleep(d.allowing("random", "chance", "else-random"));
            case "disconnect" -> servers(d.allowing("as", "chance"));
            case "connect", "start" -> servers(d.allowing());
            case "crash" -> servers(d.allowing("chance"));
            case "restore" -> servers(d.allowing("chance", "if-connected-below"));
            case "pick" -> pick(d.allowing("from", "not"));
            case "check-one-leader" -> {
                bindNodes(d.allowing("as"), List.of(h.checkOneLeader()));
                yield "one leader";
            }
            case "check-no-leader" -> {
                d.allowing();
                h.checkNoLeader();
                yield "no connected server is leader";
            }
            case "check-terms" -> checkTerms(d.allowing("as", "min", "equal"));
            case "one" -> one(d.allowing("servers", "retry", "index", "as", "count", "bytes"));
            case "one-concurrently" -> oneConcurrently(d.allowing("servers", "count", "bytes"));
            case "propose" -> propose(d.allowing("at", "index", "as", "leader-as", "term", "count", "bytes"));
            case "propose-concurrently" -> proposeConcurrently(d.allowing("at", "term", "as", "count", "bytes"));
            case "attempts" -> attempts(d.allowing("max", "pause"));
            case "wait-applied" -> waitApplied(d.allowing("servers", "term"));
            case "n-committed" -> {
                int k = h.nCommitted(index(d.allowing(), d.word(0)));
                yield k + (k == 1 ? " server" : " servers") + " applied " + describe(d.word(0));
            }
            case "check-committed" -> checkCommitted(d.allowing("at"));
            case "check-uncommitted" -> checkUncommitted(d.allowing("at"));
            case "mark" -> {
                marks.put(d.allowing().word(0), mark());
                yield "";
            }
            case "sent" -> sent(d.allowing("since", "min", "max"));
            case "log-size" -> logSize(d.allowing("below"));
            case "clients" -> clients(d.allowing("count", "up-to"));
            default -> throw d.fail("unknown verb");
        };
    }

    // ------------------------------------------------------------------ the group, time, faults

    private String group(Directive d) {
        if (h != null) {
            throw d.fail("there is a group already");
        }
        int n = d.intValue("n", 0);
        if (n < 1) {
            throw d.fail("n= (the number of servers) must be given, at least 1");
        }
        boolean reliable = d.booleanValue("reliable", true);
        boolean snapshots = d.booleanValue("snapshots", false);
        h = LabHarness.make(n, reliable, snapshots, seed);
        random = h.cluster().random();
        made = mark();
        return n + " servers, " + (reliable ? "reliable" : "unreliable") + " network, "
                + (snapshots ? "a snapshot every " + LabHarness.SNAPSHOT_EVERY + " applied entries ("
                        + "16 bytes of state and " + LabHarness.SNAPSHOT_FILLER_BYTES + " of filler, sent in "
                        + LabHarness.SNAPSHOT_CHUNK_BYTES + "-byte chunks)"
                        : "no snapshots");
    }

    private String network(Directive d) {
        h.cluster().network().setFaults(switch (d.word(0)) {
            case "reliable" -> NetworkFaults.RELIABLE;
            case "unreliable" -> NetworkFaults.UNRELIABLE;
            case "long-reordering" -> NetworkFaults.UNRELIABLE_REORDERING;
            default -> throw d.fail("network reliable, unreliable or long-reordering, not " + d.word(0));
        });
        return "";
    }

    private String sleep(Directive d) {
        if (d.value("random").isEmpty()) {
            if (d.value("chance").isPresent() || d.value("else-random").isPresent()) {
                throw d.fail("chance= and else-random= go with random=");
            }
            h.sleep(d.microsWord(0));
            return "";
        }
        long bound = d.microsValue("random", 0);
        if (d.value("chance").isPresent() != d.value("else-random").isPresent()) {
            throw d.fail("chance= and else-random= go together");
        }
        if (d.value("chance").isPresent() && !chance(d)) {
            bound = d.microsValue("else-random", 0);
        }
        if (bound < 1 || bound > Integer.MAX_VALUE) {
            throw d.fail("a random sleep needs a bound from 1us to " + Integer.MAX_VALUE + "us, was " + bound + "us");
        }
        h.sleep(random.nextInt((int) bound));
        return "";
    }

    /** Draws {@code chance=P%} (per mille, as the lab's {@code rand.Int() % 1000 < 10 * P}). */
    private boolean chance(Directive d) {
        String text = d.value("chance").orElseThrow();
        int percent = -1;
        if (text.endsWith("%")) {
            try {
                percent = Integer.parseInt(text.substring(0, text.length() - 1));
            } catch (NumberFormatException e) {
                percent = -1;
            }
        }
        if (percent < 0 || percent > 100) {
            throw d.fail("chance= is a whole percentage from 0% to 100%, was " + text);
        }
        return random.nextInt(1000) < 10 * percent;
    }

    /** disconnect, connect, crash, start and restore: each on the servers the step names. */
    private String servers(Directive d) {
        if (d.value("chance").isPresent() && !chance(d)) {
            return "";
        }
        if (d.value("if-connected-below").isPresent()
                && connected().size() >= d.intValue("if-connected-below", 0)) {
            return "";
        }
        List<Integer> targets = nodes(d, d.words());
        for (int i : targets) {
            switch (d.command()) {
                case "disconnect" -> h.disconnect(i);
                case "connect" -> h.connect(i);
                case "crash" -> {
                    if (h.cluster().node(i).isUp()) {
                        h.crash(i);
                    }
                }
                case "start" -> h.start(i);
                case "restore" -> {
                    if (!h.connected(i)) {
                        if (!h.cluster().node(i).isUp()) {
                            h.start(i);
                        }
                        h.connect(i);
                    }
                }
                default -> throw new IllegalStateException(d.command());
            }
        }
        bindNodes(d, targets);
        return "";
    }

    private String pick(Directive d) {
        List<Integer> from = nodes(d, d.values("from").orElseThrow(() -> d.fail("from=(NODES) must be given")));
        List<Integer> not = nodes(d, List.of(d.value("not").orElseThrow(() -> d.fail("not=NODE must be given"))));
        int chosen = from.stream().filter(i -> !not.contains(i)).findFirst()
                .orElseThrow(() -> h.cluster().fail("every server of " + from + " is one of " + not));
        bind(d, d.word(0), List.of(chosen), nodes, indexes);
        return "";
    }

    private String checkTerms(Directive d) {
        long term = h.checkTerms();
        if (term < 0) {
            throw h.cluster().fail("no server is connected");
        }
        StringBuilder out = new StringBuilder("the connected servers agree on the term");
        if (d.value("min").isPresent()) {
            long min = d.longValue("min", 0);
            if (term < min) {
                throw h.cluster().fail("term is " + term + ", but should be at least " + min);
            }
            out.append(", at least ").append(min);
        }
        if (d.value("equal").isPresent()) {
            String name = d.value("equal").orElseThrow();
            if (term != term(d, name)) {
                throw h.cluster().fail("term changed from " + term(d, name) + " to " + term
                        + " even though there were no failures");
            }
            out.append(", still ").append(name);
        }
        d.value("as").ifPresent(name -> terms.put(name, term));
        return out.toString();
    }

    // ------------------------------------------------------------------ agreement

    private String one(Directive d) {
        int servers = serversArg(d);
        if (d.value("retry").isEmpty()) {
            throw d.fail("retry=true or retry=false must be given (the lab's one() takes it)");
        }
        boolean retry = d.booleanValue("retry", false);
        Optional<String> expected = d.value("index");
        List<byte[]> commands = commands(d);
        List<Long> got = new ArrayList<>();
        for (byte[] command : commands) {
            long index = h.one(command, servers, retry);
            expected.ifPresent(e -> checkIndex(d, e, index));
            lastIndex = index;
            commandBytes += command.length;
            got.add(index);
        }
        bindIndexes(d, got);
        return (commands.size() > 1 ? "each " : "") + "committed"
                + expected.map(e -> " " + describeExpected(e)).orElse("") + " on " + serversText(servers);
    }

    private String oneConcurrently(Directive d) {
        int servers = serversArg(d);
        List<byte[]> commands = commands(d);
        h.oneConcurrently(commands, servers);
        commands.forEach(c -> commandBytes += c.length);
        lastIndex = -1;
        return commands.size() + " commands committed on " + serversText(servers);
    }

    private String propose(Directive d) {
        List<Integer> at = nodes(d, d.values("at").orElseThrow(() -> d.fail("at=NODES must be given")));
        Optional<String> expected = d.value("index");
        Optional<String> term = termArg(d);
        List<Long> accepted = new ArrayList<>();
        List<Integer> leader = new ArrayList<>();
        int proposed = 0;
        for (int node : at) {
            for (byte[] command : commands(d)) {
                proposed++;
                long[] result = h.propose(node, command);
                term.ifPresent(t -> inTerm(d, t, result == null ? null : result[1]));
                if (result == null) {
                    if (expected.isPresent()) {
                        throw h.cluster().fail("server " + node + " refused a proposal that should land "
                                + describeExpected(expected.get()));
                    }
                    continue;
                }
                expected.ifPresent(e -> checkIndex(d, e, result[0]));
                lastIndex = result[0];
                accepted.add(result[0]);
                leader.clear();
                leader.add(node);
            }
        }
        bindIndexes(d, accepted);
        d.value("leader-as").ifPresent(name -> bind(d, name, leader, nodes, indexes));
        String each = proposed > 1 ? "each " : "";
        return expected.map(e -> each + "accepted " + describeExpected(e)).orElse("");
    }

    private String proposeConcurrently(Directive d) {
        List<Integer> at = nodes(d, d.values("at").orElseThrow(() -> d.fail("at=NODE must be given")));
        if (at.size() != 1) {
            throw d.fail("at= names one server, got " + at);
        }
        String term = termArg(d).orElseThrow(() -> d.fail("term=T must be given"));
        if (d.value("as").isEmpty()) {
            throw d.fail("as=NAME must be given: the indexes, in the order of the commands");
        }
        int node = at.get(0);
        List<byte[]> commands = commands(d);
        long[][] result = new long[commands.size()][];
        for (int k = 0; k < commands.size(); k++) {
            int slot = k;
            h.cluster().proposeAsync(node, commands.get(k),
                    index -> result[slot] = new long[] {index, h.cluster().node(node).core().term()});
        }
        h.cluster().runUntil(() -> Arrays.stream(result).allMatch(r -> r != null), 1_000_000);
        List<Long> got = new ArrayList<>();
        for (long[] r : result) {
            inTerm(d, term, r == null || r[0] == RaftCore.REJECTED ? null : r[1]);
            got.add(r[0]);
        }
        bindIndexes(d, got);
        lastIndex = -1;
        return "";
    }

    /** The step's {@code term=T}, allowed only inside {@code attempts}. */
    private Optional<String> termArg(Directive d) {
        Optional<String> term = d.value("term");
        if (term.isPresent() && !inAttempt) {
            throw d.fail("term= starts the attempt over when the term changes: use it inside attempts");
        }
        return term;
    }

    /** Binds T to {@code observed} or requires it; a refusal ({@code null}) or another term abandons the attempt. */
    private void inTerm(Directive d, String name, Long observed) {
        if (observed == null) {
            throw new TermChanged(d.where() + ": refused or not answered in term " + name);
        }
        Long bound = terms.putIfAbsent(name, observed);
        if (bound != null && bound.longValue() != observed) {
            throw new TermChanged(d.where() + ": term " + observed + ", not " + name + " = " + bound);
        }
    }

    private String attempts(Directive d) throws Exception {
        int max = d.intValue("max", 0);
        long pause = d.microsValue("pause", -1);
        if (max < 1 || pause < 0) {
            throw d.fail("takes max=N (at least 1) and pause=D");
        }
        if (inAttempt) {
            throw d.fail("attempts do not nest");
        }
        List<Directive> body = d.body();
        Set<String> outer = new HashSet<>(terms.keySet());
        inAttempt = true;
        try {
            for (int attempt = 0; attempt < max; attempt++) {
                if (attempt > 0) {
                    h.sleep(pause);
                }
                terms.keySet().retainAll(outer);
                try {
                    return blocks.round(body);
                } catch (AssertionError e) {
                    if (!(e.getCause() instanceof TermChanged)) {
                        throw e;
                    }
                }
            }
        } finally {
            inAttempt = false;
        }
        throw h.cluster().fail("term changed too often: " + max + " attempts abandoned");
    }

    private String waitApplied(Directive d) {
        List<Long> targets = indexList(d, d.word(0));
        int servers = serversArg(d);
        Optional<String> term = termArg(d);
        long startTerm = term.map(t -> term(d, t)).orElse(-1L);
        for (long index : targets) {
            if (h.waitFor(index, servers, startTerm) == -1) {
                throw new TermChanged(d.where() + ": a server's term passed " + term.orElseThrow());
            }
        }
        return "applied on " + serversText(servers);
    }

    private String checkCommitted(Directive d) {
        String name = d.value("at").orElseThrow(() -> d.fail("at=NAME must be given"));
        List<Long> at = indexList(d, name);
        List<String> words = d.words();
        if (words.size() != at.size()) {
            throw d.fail(words.size() + " commands for the " + at.size() + " indexes of " + name);
        }
        for (int k = 0; k < words.size(); k++) {
            if (!h.cluster().committedDataIs(at.get(k), literal(d, words.get(k)))) {
                throw h.cluster().fail("command " + words.get(k) + " is missing at index " + at.get(k));
            }
        }
        return String.join(" ", words) + " applied at the indexes of " + name + ", in order";
    }

    private String checkUncommitted(Directive d) {
        String name = d.value("at").orElseThrow(() -> d.fail("at=NAME must be given"));
        byte[] command = literal(d, d.word(0));
        if (h.appliedAnywhere(command, indexList(d, name))) {
            throw h.cluster().fail(d.word(0) + " committed but no majority");
        }
        return d.word(0) + " applied at none of the indexes of " + name;
    }

    // ------------------------------------------------------------------ counters and clients

    private Mark mark() {
        Map<Class<?>, Long> byType = new HashMap<>();
        MESSAGE_TYPES.values().forEach(t -> byType.put(t, h.cluster().network().sent(t)));
        return new Mark(h.rpcTotal(), h.bytesTotal(), commandBytes, byType);
    }

    private String sent(Directive d) {
        String what = d.word(0);
        Mark since = d.value("since").map(name -> {
            Mark m = marks.get(name);
            if (m == null) {
                throw d.fail("no mark named " + name);
            }
            return m;
        }).orElse(made);
        long count = switch (what) {
            case "requests" -> h.rpcTotal() - since.requests();
            case "bytes" -> h.bytesTotal() - since.bytes();
            default -> {
                Class<?> type = MESSAGE_TYPES.get(what);
                if (type == null) {
                    throw d.fail("sent requests, bytes or a message type " + MESSAGE_TYPES.keySet() + ", not " + what);
                }
                yield h.cluster().network().sent(type) - since.byType().get(type);
            }
        };
        long min = d.longValue("min", 0);
        long max = d.longValue("max", Long.MAX_VALUE);
        if (d.value("min").isEmpty() && d.value("max").isEmpty()) {
            throw d.fail("min= or max= (or both) must be given");
        }
        String sinceText = d.value("since").map(name -> " since " + name).orElse("");
        if (count < min || count > max) {
            throw h.cluster().fail(count + " " + what + " sent" + sinceText + ", but expected "
                    + bounds(d, min, max));
        }
        String things = MESSAGE_TYPES.containsKey(what) ? what + " messages" : what;
        String out = (max == 0 ? "no" : bounds(d, min, max)) + " " + things + " sent" + sinceText;
        if (what.equals("bytes")) {
            out += ", for " + (commandBytes - since.commandBytes()) + " bytes of commands";
        }
        return out;
    }

    private static String bounds(Directive d, long min, long max) {
        if (d.value("min").isPresent() && d.value("max").isPresent()) {
            return "between " + min + " and " + max;
        }
        return d.value("min").isPresent() ? "at least " + min : "at most " + max;
    }

    private String logSize(Directive d) {
        long below = d.longValue("below", -1);
        if (below < 1) {
            throw d.fail("below= (bytes) must be given");
        }
        long size = h.logSize();
        if (size >= below) {
            throw h.cluster().fail("log size too large: " + size + " bytes, the limit is below " + below);
        }
        return "every server's persisted Raft state under " + below + " bytes";
    }

    private String clients(Directive d) {
        switch (d.word(0)) {
            case "start" -> {
                if (clients != null) {
                    throw d.fail("the clients are running already");
                }
                int count = d.intValue("count", 0);
                if (count < 1) {
                    throw d.fail("start takes count= (how many clients)");
                }
                clients = new ChurnClients(h, count);
                clients.start();
                return "";
            }
            case "stop" -> {
                clientsRunning(d).stop();
                return "";
            }
            case "check" -> {
                String upTo = d.value("up-to").orElseThrow(() -> d.fail("check takes up-to=I (the final log's last index)"));
                ChurnClients c = clientsRunning(d);
                if (c.seenCommitted() == 0) {
                    throw h.cluster().fail("the clients saw nothing committed");
                }
                c.checkAllInFinalLog(index(d, upTo));
                return "every value the clients saw committed is in the final log, on all " + h.n() + " servers";
            }
            default -> throw d.fail("clients start, clients stop or clients check");
        }
    }

    private ChurnClients clientsRunning(Directive d) {
        if (clients == null) {
            throw d.fail("no clients were started");
        }
        return clients;
    }

    // ------------------------------------------------------------------ names, nodes, indexes, commands

    private int serversArg(Directive d) {
        int servers = d.intValue("servers", 0);
        if (servers < 1 || servers > h.n()) {
            throw d.fail("servers= must be 1.." + h.n() + ", was " + servers);
        }
        return servers;
    }

    private String serversText(int servers) {
        return servers == h.n() ? "all " + servers + " servers"
                : "at least " + servers + (servers == 1 ? " server" : " servers");
    }

    private List<Integer> connected() {
        List<Integer> up = new ArrayList<>(h.n());
        for (int i = 1; i <= h.n(); i++) {
            if (h.connected(i)) {
                up.add(i);
            }
        }
        return up;
    }

    private List<Integer> nodes(Directive d, List<String> expressions) {
        if (expressions.isEmpty()) {
            throw d.fail("name at least one server");
        }
        List<Integer> out = new ArrayList<>();
        for (String e : expressions) {
            out.addAll(node(d, e));
        }
        return out;
    }

    private List<Integer> node(Directive d, String e) {
        switch (e) {
            case "all" -> {
                return IntStream.rangeClosed(1, h.n()).boxed().toList();
            }
            case "connected" -> {
                return connected();
            }
            case "random" -> {
                return List.of(1 + random.nextInt(h.n()));
            }
            default -> {
                int plus = e.indexOf('+');
                String base = plus < 0 ? e : e.substring(0, plus);
                int k = plus < 0 ? 0 : number(d, e.substring(plus + 1), e);
                List<Integer> named;
                if (isNumber(base)) {
                    int id = number(d, base, e);
                    if (id < 1 || id > h.n()) {
                        throw d.fail("server " + id + " does not exist; the servers are 1.." + h.n());
                    }
                    named = List.of(id);
                } else {
                    named = nodes.get(base);
                    if (named == null) {
                        throw d.fail("no server named " + base + (indexes.containsKey(base) ? " (" + base + " is an index)" : ""));
                    }
                }
                if (k == 0) {
                    return named;
                }
                if (named.size() != 1) {
                    throw d.fail(base + " names " + named.size() + " servers; " + e + " needs one");
                }
                return List.of((named.get(0) - 1 + k) % h.n() + 1);
            }
        }
    }

    private long index(Directive d, String e) {
        if (e.equals("next")) {
            if (lastIndex < 0) {
                throw d.fail("next counts from the last index a step got, and there is none");
            }
            return lastIndex + 1;
        }
        int plus = e.indexOf('+');
        String base = plus < 0 ? e : e.substring(0, plus);
        long k = plus < 0 ? 0 : number(d, e.substring(plus + 1), e);
        if (isNumber(base)) {
            return number(d, base, e) + k;
        }
        List<Long> named = indexList(d, base);
        if (named.size() != 1) {
            throw d.fail(base + " names " + named.size() + " indexes; " + e + " needs one");
        }
        return named.get(0) + k;
    }

    private List<Long> indexList(Directive d, String name) {
        List<Long> named = indexes.get(name);
        if (named == null) {
            throw d.fail("no index named " + name + (nodes.containsKey(name) ? " (" + name + " is a server)" : ""));
        }
        return named;
    }

    /** Checks {@code index=} ({@code I}, {@code A..B} or {@code A..}) against what a step got. */
    private void checkIndex(Directive d, String expected, long actual) {
        int range = expected.indexOf("..");
        long lo;
        long hi;
        if (range < 0) {
            lo = index(d, expected);
            hi = lo;
        } else {
            lo = index(d, expected.substring(0, range));
            String upper = expected.substring(range + 2);
            hi = upper.isEmpty() ? Long.MAX_VALUE : index(d, upper);
        }
        if (actual < lo || actual > hi) {
            String resolved = isNumber(expected) ? ""
                    : lo == hi ? " = " + lo : " = " + lo + ".." + (hi == Long.MAX_VALUE ? "" : hi);
            throw h.cluster().fail("landed at index " + actual + ", expected " + describeExpected(expected) + resolved);
        }
    }

    private static String describeExpected(String expected) {
        int range = expected.indexOf("..");
        if (range < 0) {
            return expected.equals("next") ? "at the next index" : "at " + describe(expected);
        }
        String upper = expected.substring(range + 2);
        String lower = describe(expected.substring(0, range));
        return upper.isEmpty() ? "at " + lower + " or later" : "at an index from " + lower + " to " + upper;
    }

    /** {@code 2} reads "index 2"; a name stands for itself. */
    private static String describe(String index) {
        return Character.isDigit(index.charAt(0)) ? "index " + index : index;
    }

    private static boolean isNumber(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private int number(Directive d, String text, String in) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException ex) {
            throw d.fail("expected a number in " + in + ", got " + text);
        }
    }

    private long term(Directive d, String name) {
        Long t = terms.get(name);
        if (t == null) {
            throw d.fail("no term named " + name);
        }
        return t;
    }

    private void bindNodes(Directive d, List<Integer> value) {
        d.value("as").ifPresent(name -> bind(d, name, value, nodes, indexes));
    }

    private void bindIndexes(Directive d, List<Long> value) {
        d.value("as").ifPresent(name -> bind(d, name, value, indexes, nodes));
    }

    private static <T> void bind(Directive d, String name, List<T> value, Map<String, List<T>> into,
                                 Map<String, ?> other) {
        if (name.isEmpty() || !Character.isLetter(name.charAt(0)) || name.contains("+") || name.contains("..")
                || RESERVED.contains(name)) {
            throw d.fail("a name begins with a letter and is not all, connected, random or next: " + name);
        }
        if (other.containsKey(name)) {
            throw d.fail(name + " already names something else");
        }
        into.put(name, List.copyOf(value));
    }

    /** The step's commands: its words, each repeated {@code count=} times (drawn afresh when random). */
    private List<byte[]> commands(Directive d) {
        List<String> words = d.words();
        if (words.isEmpty()) {
            throw d.fail("name a command: a number or random");
        }
        int count = 1;
        if (d.value("count").isPresent()) {
            if (words.size() != 1) {
                throw d.fail("count= repeats a single command, got " + words);
            }
            String text = d.value("count").orElseThrow();
            int range = text.indexOf("..");
            if (range < 0) {
                count = number(d, text, "count=" + text);
            } else {
                int lo = number(d, text.substring(0, range), "count=" + text);
                int hi = number(d, text.substring(range + 2), "count=" + text);
                if (hi < lo) {
                    throw d.fail("count=" + text + " is empty");
                }
                count = lo + random.nextInt(hi - lo + 1);
            }
        }
        int bytes = d.intValue("bytes", 8);
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            for (String w : words) {
                if (w.equals("random") && bytes == 8) {
                    out.add(LabHarness.cmd(random.nextLong()));
                } else if (w.equals("random")) {
                    byte[] command = new byte[bytes];
                    random.nextBytes(command);
                    out.add(command);
                } else {
                    if (d.value("bytes").isPresent()) {
                        throw d.fail("bytes= is for random commands; " + w + " is 8 bytes");
                    }
                    out.add(literal(d, w));
                }
            }
        }
        return out;
    }

    private static byte[] literal(Directive d, String word) {
        try {
            return LabHarness.cmd(Long.parseLong(word));
        } catch (NumberFormatException e) {
            throw d.fail("a command here is a number, was " + word);
        }
    }
}
