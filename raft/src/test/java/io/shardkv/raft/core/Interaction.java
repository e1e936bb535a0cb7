package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.HeartbeatResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.SnapshotAck;
import io.shardkv.raft.core.Message.TimeoutNow;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.confchange.ConfChangeException;
import io.shardkv.raft.core.tracker.Progress;
import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The interpreter of the core's interaction scripts ({@code scripts/interaction/*.txt}), after
 * etcd's {@code rafttest} interaction environment: a {@link Network} of cores, each driven by the
 * production driver, and verbs to build it, drive it, break it and look at it.
 *
 * <p>Building: {@code add-nodes N} (fresh network; {@code pre-vote=}, {@code check-quorum=},
 * {@code chunk-bytes=}, {@code max-message-bytes=}, {@code inflight=}, {@code max-apply-bytes=};
 * input lines {@code ID: term=T log=(1x5,2x250)} give node ID a durable log of 5 entries of term 1
 * and 250 of term 2).
 * Driving: {@code elect ID}, {@code campaign ID}, {@code tick [N] [nodes=(..)]},
 * {@code tick-until ...}, {@code propose ID DATA [count=N] [settle=false]}, {@code stabilize},
 * {@code transfer-leadership from= to=}, {@code read-index ID ctx=N [count=N]}, {@code compact ID bytes=N},
 * {@code restart ID}, {@code crash-before-persisting ID}, {@code lose-log-tail ID entries=N},
 * {@code join ID} (a new node, empty disk, no configuration), {@code destroy ID} (gone for good),
 * {@code conf-change ID OP NODE...} ({@code add-voter add-learner remove}),
 * {@code inject vote from= to= term= last=I/T [transfer=true]}.
 * Faults: {@code isolate}, {@code heal}, {@code cut A B}, {@code recover}, {@code drop FILTER},
 * {@code hold FILTER}, {@code release}.
 * Looking: {@code status}, {@code membership}, {@code progress ID}, {@code log ID}, {@code applied ID}, {@code reads ID},
 * {@code snapshots ID}, {@code sent FILTER} (the messages), {@code count FILTER}, {@code check-logs}.
 *
 * <p>A FILTER is {@code type=} one of {@code App AppResp Vote VoteResp PreVote PreVoteResp Heartbeat
 * HeartbeatResp Snapshot SnapshotAck TimeoutNow any}, with optional {@code from=(..)}, {@code to=(..)}, {@code except-from=(..)}, {@code rejected=},
 * {@code done=}, {@code offset=}, and for drop and hold {@code first=true} (only the first match).
 */
final class Interaction implements ScriptRunner.Interpreter {

    private static final List<String> FILTER_KEYS = List.of("type", "from", "to", "except-from", "rejected", "done",
            "offset", "first");

    /** A rule of the interceptor: drop or hold the messages that match. */
    private record Rule(Predicate<Message> match, boolean hold, boolean firstOnly, boolean[] used) {
    }

    private Network n;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Message> held = new ArrayList<>();

    @Override
    public String run(Directive d) {
        return switch (d.command()) {
            case "add-nodes" -> addNodes(d);
            case "elect" -> elect(d);
            case "campaign" -> campaign(d);
            case "tick" -> tick(d);
            case "tick-until" -> tickUntil(d);
            case "propose" -> propose(d);
            case "stabilize" -> stabilize();
            case "transfer-leadership" -> transfer(d);
            case "join" -> join(d);
            case "destroy" -> destroy(d);
            case "conf-change" -> confChange(d);
            case "membership" -> membership(d);
            case "read-index" -> readIndex(d);
            case "compact" -> compact(d);
            case "restart" -> restart(d, false);
            case "crash-before-persisting" -> restart(d, true);
            case "lose-log-tail" -> loseLogTail(d);
            case "inject" -> inject(d);
            case "isolate" -> faults(d, ids -> n.isolate(ids));
            case "heal" -> faults(d, ids -> n.heal(ids));
            case "cut" -> faults(d, ids -> n.cut(ids[0], ids[1]));
            case "recover" -> recover();
            case "drop" -> rule(d, false);
            case "hold" -> rule(d, true);
            case "release" -> release();
            case "status" -> status(d);
            case "progress" -> progress(d);
            case "log" -> log(d);
            case "applied" -> String.join(" ", node(d).appliedCommands());
            case "reads" -> reads(d);
            case "snapshots" -> snapshots(d);
            case "sent" -> sent(d);
            case "count" -> Long.toString(n.sent.stream().filter(filter(d)).count());
            case "check-logs" -> checkLogs();
            default -> throw d.fail("unknown command");
        };
    }

    // ------------------------------------------------------------------ building

    private String addNodes(Directive d) {
        d.allowing("pre-vote", "check-quorum", "chunk-bytes", "max-message-bytes", "inflight", "max-apply-bytes");
        int size = d.intWord(0);
        UnaryOperator<RaftConfig.Builder> tweak = b -> {
            d.value("pre-vote").ifPresent(v -> b.preVote(d.booleanValue("pre-vote", true)));
            d.value("check-quorum").ifPresent(v -> b.checkQuorum(d.booleanValue("check-quorum", true)));
            d.value("chunk-bytes").ifPresent(v -> b.snapshotChunkBytes(d.intValue("chunk-bytes", 0)));
            d.value("max-message-bytes").ifPresent(v -> b.maxMessageBytes(d.longValue("max-message-bytes", 0)));
            d.value("inflight").ifPresent(v -> b.maxInflightMessages(d.intValue("inflight", 0)));
            d.value("max-apply-bytes").ifPresent(v -> b.maxApplyBytesPerReady(d.longValue("max-apply-bytes", 0)));
            return b;
        };
        DurableState[] states = new DurableState[size];
        Arrays.fill(states, DurableState.EMPTY);
        for (String line : d.input()) {
            String[] parts = line.strip().split("[:\\s]+");
            int id = Integer.parseInt(parts[0]);
            long term = 0;
            long[] terms = new long[0];
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("term=")) {
                    term = Long.parseLong(parts[i].substring(5));
                } else if (parts[i].startsWith("log=(") && parts[i].endsWith(")")) {
                    terms = logTerms(d, parts[i].substring(5, parts[i].length() - 1));
                } else {
                    throw d.fail("a node line is 'ID: term=T log=(TxN,...)', got " + line);
                }
            }
            states[id - 1] = Cores.log(term, terms);
        }
        n = Network.withState(tweak, states);
        rules.clear();
        held.clear();
        return "";
    }

    private static long[] logTerms(Directive d, String spec) {
        List<long[]> runs = new ArrayList<>();
        for (String run : spec.split(",")) {
            String[] tn = run.split("x");
            if (tn.length != 2) {
                throw d.fail("a log run is TERMxCOUNT, got " + run);
            }
            runs.add(Cores.repeat(Long.parseLong(tn[0]), Integer.parseInt(tn[1])));
        }
        return Cores.concat(runs.toArray(long[][]::new));
    }

    // ------------------------------------------------------------------ driving

    private String elect(Directive d) {
        RaftCore leader = n.elect(d.intWord(0));
        return leader.id() + " leads term " + leader.term();
    }

    private String campaign(Directive d) {
        RaftCore core = n.core(d.intWord(0));
        Cores.tickUntilCampaign(core);
        return describeRole(core);
    }

    private String tick(Directive d) {
        d.allowing("nodes");
        List<String> words = d.words();
        int times = words.isEmpty() ? 1 : d.intWord(0);
        n.tick(times, ids(d, "nodes"));
        return "";
    }

    /**
     * Ticks (the nodes in {@code nodes=}, default all) until a condition holds, at most {@code max}
     * times, and prints how many ticks it took: {@code leader=ID} (among {@code among=(..)}, default
     * all; {@code leader=any} for anyone), {@code node=ID} with {@code role=}, {@code term=},
     * {@code last=} (last log index), {@code caught-up-with=ID} (applied the other's last index),
     * {@code reads=N} (released at least N reads) or {@code applied=(..)} (its applied commands);
     * or {@code sent=TYPE} with the filter keys (such a message was sent).
     */
    private String tickUntil(Directive d) {
        int max = d.intValue("max", -1);
        if (max < 0) {
            throw d.fail("needs max=TICKS");
        }
        BooleanSupplier done = condition(d);
        int[] ids = ids(d, "nodes");
        int ticks = 0;
        n.settle();
        while (!done.getAsBoolean()) {
            if (ticks == max) {
                throw new AssertionError(d.where() + ": not reached within " + max + " ticks: " + d.commandLine() + "; "
                        + n.describe());
            }
            n.tick(1, ids);
            ticks++;
        }
        return "after " + ticks + " ticks";
    }

    private BooleanSupplier condition(Directive d) {
        if (d.value("leader").isPresent()) {
            String who = d.value("leader").get();
            int[] among = ids(d, "among");
            if (who.equals("any")) {
                return () -> n.agreedLeader(among) != RaftCore.NONE;
            }
            int leader = Integer.parseInt(who);
            return () -> n.agreedLeader(among) == leader;
        }
        if (d.value("sent").isPresent()) {
            Predicate<Message> f = filter(d, d.value("sent").get());
            return () -> n.sent.stream().anyMatch(f);
        }
        RaftCore core = n.core(d.intValue("node", -1));
        if (d.value("role").isPresent()) {
            Role role = role(d, d.value("role").get());
            return () -> core.role() == role;
        }
        if (d.value("term").isPresent()) {
            long term = d.longValue("term", 0);
            return () -> core.term() == term;
        }
        if (d.value("last").isPresent()) {
            long last = d.longValue("last", 0);
            return () -> core.lastLogIndex() == last;
        }
        if (d.value("caught-up-with").isPresent()) {
            RaftCore other = n.core(d.intValue("caught-up-with", 0));
            return () -> core.appliedIndex() == other.lastLogIndex();
        }
        if (d.value("reads").isPresent()) {
            int reads = d.intValue("reads", 1);
            Network.Node node = n.node(core.id());
            return () -> node.readStates.size() >= reads;
        }
        if (d.values("applied").isPresent()) {
            List<String> commands = d.values("applied").get();
            Network.Node node = n.node(core.id());
            return () -> node.appliedCommands().equals(commands);
        }
        throw d.fail("needs a condition: leader=, sent=, or node= with role=, term=, last=, caught-up-with=, reads=, "
                + "applied=");
    }

    private String propose(Directive d) {
        d.allowing("count", "settle");
        int id = d.intWord(0);
        String data = d.word(1);
        int count = d.intValue("count", 1);
        boolean settle = d.booleanValue("settle", true);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = payload(d, data, count == 1 ? "" : Integer.toString(i));
            long index = n.core(id).propose(bytes);
            if (settle) {
                n.settle();
            }
            out.add(index == RaftCore.REJECTED ? "rejected" : Long.toString(index));
        }
        return "index " + String.join(" ", out);
    }

    /**
     * {@code bytes:N} is an entry of N bytes (zeros, less the entry overhead); anything else is text,
     * with {@code suffix} (the number of a repeated proposal) appended.
     */
    private static byte[] payload(Directive d, String data, String suffix) {
        if (!data.startsWith("bytes:")) {
            return Cores.bytes(data + suffix);
        }
        int size;
        try {
            size = Integer.parseInt(data.substring(6));
        } catch (NumberFormatException e) {
            throw d.fail("bytes:N takes a number, got " + data);
        }
        if (size < Entry.ENTRY_OVERHEAD_BYTES) {
            throw d.fail("an entry has at least " + Entry.ENTRY_OVERHEAD_BYTES + " bytes, asked " + size);
        }
        return new byte[size - Entry.ENTRY_OVERHEAD_BYTES];
    }

    private String stabilize() {
        int before = n.sent.size();
        n.settle();
        return n.sent.subList(before, n.sent.size()).stream().map(MessageText::describe)
                .collect(Collectors.joining("\n"));
    }

    private String transfer(Directive d) {
        d.allowing("from", "to");
        try {
            boolean ok = n.core(d.intValue("from", 0)).transferLeadership(d.intValue("to", 0));
            return ok ? "accepted" : "refused: not leader";
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    private String join(Directive d) {
        RaftCore core = n.join(d.intWord(0));
        n.settle();
        return describe(core) + " " + core.membership();
    }

    private String destroy(Directive d) {
        n.destroy(d.intWord(0));
        n.settle();
        return "";
    }

    /**
     * {@code conf-change ID OP NODE [OP NODE...]} with OP one of {@code add-voter add-learner remove};
     * prints the configuration entry's index, "rejected" or why the leader refused.
     */
    private String confChange(Directive d) {
        List<String> words = d.words();
        if (words.size() < 3 || words.size() % 2 == 0) {
            throw d.fail("conf-change ID OP NODE [OP NODE...]");
        }
        List<ConfChange.Op> ops = new ArrayList<>();
        for (int i = 1; i < words.size(); i += 2) {
            ConfChange.Type type = ConfChange.Type.valueOf(words.get(i).toUpperCase(Locale.ROOT).replace('-', '_'));
            ops.add(new ConfChange.Op(type, d.intWord(i + 1)));
        }
        try {
            long index = n.core(d.intWord(0)).proposeConfChange(new ConfChange(ops));
            n.settle();
            return index == RaftCore.REJECTED ? "rejected" : "index " + index;
        } catch (ConfChangeException e) {
            return "refused (" + e.reason() + "): " + e.getMessage();
        }
    }

    /** Each node's configuration (of the nodes in {@code nodes=}, default all) and the index that set it. */
    private String membership(Directive d) {
        int[] ids = ids(d, "nodes");
        List<String> lines = new ArrayList<>();
        for (Network.Node node : n.nodes()) {
            if (ids.length == 0 || Arrays.stream(ids).anyMatch(i -> i == node.id)) {
                lines.add(node.id + ": " + node.core.membership() + " @" + node.core.membershipIndex());
            }
        }
        return String.join("\n", lines);
    }

    /** One read ({@code ctx=}), or {@code count=N} reads with contexts from ctx on, each followed by a settle. */
    private String readIndex(Directive d) {
        d.allowing("ctx", "count");
        int count = d.intValue("count", 1);
        long ctx = d.longValue("ctx", 1);
        RaftCore core = n.core(d.intWord(0));
        if (count == 1) {
            return core.readIndex(ctx) ? "accepted" : "refused: not leader";
        }
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            accepted += core.readIndex(ctx + i) ? 1 : 0;
            n.settle();
        }
        return accepted + " of " + count + " accepted";
    }

    private String compact(Directive d) {
        d.allowing("bytes", "index", "data");
        RaftCore core = n.core(d.intWord(0));
        long index = d.longValue("index", core.appliedIndex());
        byte[] image;
        if (d.value("data").isPresent()) {
            image = Cores.bytes(d.value("data").get());
        } else {
            image = new byte[d.intValue("bytes", 16)];
            for (int i = 0; i < image.length; i++) {
                image[i] = (byte) i;
            }
        }
        n.compact(core.id(), index, image);
        return "snapshot at " + index + ", log now (" + (core.firstLogIndex() - 1) + "," + core.lastLogIndex() + "]";
    }

    private String restart(Directive d, boolean midReady) {
        int id = d.intWord(0);
        RaftCore restarted = midReady ? n.crashBeforePersisting(id) : n.restart(id);
        return describe(restarted);
    }

    /**
     * The node's disk loses its last {@code entries} entries (a disk that lied about fsync) but keeps
     * its commit index; then the node restarts.
     */
    private String loseLogTail(Directive d) {
        d.allowing("entries");
        int id = d.intWord(0);
        int lost = d.intValue("entries", 1);
        Network.Storage disk = n.node(id).storage;
        long last = n.core(id).lastLogIndex();
        disk.hardState = new HardState(disk.hardState.term(), disk.hardState.vote(), last);
        List<Entry> kept = List.copyOf(disk.entries.subList(0, disk.entries.size() - lost));
        disk.entries.retainAll(kept);
        return describe(n.restart(id));
    }

    private String inject(Directive d) {
        if (!d.word(0).equals("vote")) {
            throw d.fail("inject knows: vote");
        }
        d.allowing("from", "to", "term", "last", "transfer", "pre-vote");
        String[] last = d.string("last", "0/0").split("/");
        Msg.VoteBuilder b = Msg.vote(d.intValue("from", 0), d.intValue("to", 0)).term(d.longValue("term", 0))
                .last(Long.parseLong(last[0]), Long.parseLong(last[1]));
        if (d.booleanValue("pre-vote", false)) {
            b.preVote();
        }
        if (d.booleanValue("transfer", false)) {
            b.transfer();
        }
        VoteRequest vr = b.build();
        int before = n.sent.size();
        n.inject(vr);
        List<String> answers = n.sent.subList(before, n.sent.size()).stream().filter(m -> m.from() == vr.to())
                .map(MessageText::describe).toList();
        return answers.isEmpty() ? "no answer" : String.join("\n", answers);
    }

    // ------------------------------------------------------------------ faults

    private String faults(Directive d, java.util.function.Consumer<int[]> action) {
        action.accept(d.intWords().stream().mapToInt(Integer::intValue).toArray());
        return "";
    }

    private String recover() {
        n.recover();
        rules.clear();
        return "";
    }

    private String rule(Directive d, boolean hold) {
        d.allowing(FILTER_KEYS.toArray(String[]::new));
        rules.add(new Rule(filter(d), hold, d.booleanValue("first", false), new boolean[1]));
        n.intercept(this::intercept);
        return "";
    }

    private Message intercept(Message m) {
        for (Rule r : rules) {
            if ((r.firstOnly() && r.used()[0]) || !r.match().test(m)) {
                continue;
            }
            r.used()[0] = true;
            if (r.hold()) {
                held.add(m);
            }
            return null;
        }
        return m;
    }

    /** Delivers the held messages, in the order they were held, and prints them. */
    private String release() {
        List<Message> out = List.copyOf(held);
        held.clear();
        out.forEach(n::inject);
        return out.stream().map(MessageText::describe).collect(Collectors.joining("\n"));
    }

    // ------------------------------------------------------------------ looking

    private String status(Directive d) {
        int[] ids = ids(d, "nodes");
        List<String> lines = new ArrayList<>();
        for (Network.Node node : n.nodes()) {
            if (ids.length == 0 || Arrays.stream(ids).anyMatch(i -> i == node.id)) {
                lines.add(describe(node.core));
            }
        }
        return String.join("\n", lines);
    }

    private static String describe(RaftCore c) {
        return c.id() + ": " + c.role() + " term=" + c.term() + " leader=" + c.leader() + " vote=" + c.votedFor()
                + " commit=" + c.commitIndex() + " applied=" + c.appliedIndex() + " log=(" + (c.firstLogIndex() - 1)
                + "," + c.lastLogIndex() + "]";
    }

    private static String describeRole(RaftCore c) {
        return c.id() + " is " + c.role() + " at term " + c.term();
    }

    private String progress(Directive d) {
        RaftCore leader = n.core(d.intWord(0));
        if (leader.role() != Role.LEADER) {
            return leader.id() + " is not leader";
        }
        List<String> lines = new ArrayList<>();
        for (Network.Node node : n.nodes()) {
            Progress pr = leader.progress(node.id);
            if (node.id != leader.id() && pr != null) {
                lines.add(node.id + ": " + pr.state() + " match=" + pr.match() + " next=" + pr.next());
            }
        }
        return String.join("\n", lines);
    }

    /** Runs of terms ({@code 1x5 2x250}), the commit index and the log's bounds. */
    private String log(Directive d) {
        RaftCore c = n.core(d.intWord(0));
        StringBuilder runs = new StringBuilder();
        long runTerm = -1;
        int runLength = 0;
        for (long i = c.firstLogIndex(); i <= c.lastLogIndex(); i++) {
            long t = c.logTermAt(i);
            if (t != runTerm && runLength > 0) {
                runs.append(runs.length() == 0 ? "" : " ").append(runTerm).append('x').append(runLength);
                runLength = 0;
            }
            runTerm = t;
            runLength++;
        }
        if (runLength > 0) {
            runs.append(runs.length() == 0 ? "" : " ").append(runTerm).append('x').append(runLength);
        }
        return "(" + (c.firstLogIndex() - 1) + "," + c.lastLogIndex() + "] terms " + (runs.length() == 0 ? "none" : runs)
                + " commit=" + c.commitIndex();
    }

    private String reads(Directive d) {
        List<ReadState> reads = n.node(d.intWord(0)).readStates;
        return reads.isEmpty() ? "none"
                : reads.stream().map(r -> "ctx=" + r.context() + " index=" + r.index()).collect(Collectors.joining("\n"));
    }

    private String snapshots(Directive d) {
        int id = d.intWord(0);
        RaftCore leader = n.core(n.agreedLeader() == RaftCore.NONE ? id : n.agreedLeader());
        List<Snapshot> installed = n.node(id).installedSnapshots;
        if (installed.isEmpty()) {
            return "none";
        }
        return installed.stream().map(s -> s.index() + "/" + s.term() + " " + s.data().size() + "B"
                + (leader.snapshot() != null && leader.snapshot().meta().equals(s.meta())
                && Arrays.equals(SnapshotBytes.of(leader.snapshot()), SnapshotBytes.of(s)) ? " (the leader's)" : ""))
                .collect(Collectors.joining("\n"));
    }

    private String sent(Directive d) {
        d.allowing(FILTER_KEYS.toArray(String[]::new));
        return n.sent.stream().filter(filter(d)).map(MessageText::describe).collect(Collectors.joining("\n"));
    }

    /** Whether every node holds the same terms at every index it shares with the longest log. */
    private String checkLogs() {
        RaftCore longest = null;
        for (Network.Node node : n.nodes()) {
            if (longest == null || node.core.lastLogIndex() > longest.lastLogIndex()) {
                longest = node.core;
            }
        }
        List<String> lines = new ArrayList<>();
        for (Network.Node node : n.nodes()) {
            RaftCore c = node.core;
            long from = Math.max(c.firstLogIndex(), longest.firstLogIndex());
            for (long i = from; i <= c.lastLogIndex(); i++) {
                if (c.logTermAt(i) != longest.logTermAt(i)) {
                    lines.add(c.id() + " differs from " + longest.id() + " at " + i);
                    break;
                }
            }
        }
        List<Long> lasts = n.nodes().stream().map(x -> x.core.lastLogIndex()).distinct().toList();
        if (lines.isEmpty()) {
            lines.add(lasts.size() == 1 ? "logs match, all end at " + lasts.get(0)
                    : "logs match where they overlap; last indexes " + n.nodes().stream()
                    .map(x -> x.id + "=" + x.core.lastLogIndex()).collect(Collectors.joining(" ")));
        }
        return String.join("\n", lines);
    }

    // ------------------------------------------------------------------ helpers

    private Network.Node node(Directive d) {
        return n.node(d.intWord(0));
    }

    private static int[] ids(Directive d, String key) {
        return d.intValues(key, List.of()).stream().mapToInt(Integer::intValue).toArray();
    }

    private static Role role(Directive d, String name) {
        try {
            return Role.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw d.fail("no role " + name + "; roles are " + Arrays.toString(Role.values()));
        }
    }

    private static Predicate<Message> filter(Directive d) {
        return filter(d, d.value("type").orElseThrow(() -> d.fail("needs type=")));
    }

    private static Predicate<Message> filter(Directive d, String type) {
        Predicate<Message> p = typeFilter(d, type);
        List<Integer> from = d.intValues("from", List.of());
        List<Integer> to = d.intValues("to", List.of());
        List<Integer> exceptFrom = d.intValues("except-from", List.of());
        if (!from.isEmpty()) {
            p = p.and(m -> from.contains(m.from()));
        }
        if (!to.isEmpty()) {
            p = p.and(m -> to.contains(m.to()));
        }
        if (!exceptFrom.isEmpty()) {
            p = p.and(m -> !exceptFrom.contains(m.from()));
        }
        if (d.value("rejected").isPresent()) {
            boolean rejected = d.booleanValue("rejected", false);
            p = p.and(m -> m instanceof AppendResponse ar && ar.rejected() == rejected);
        }
        if (d.value("done").isPresent()) {
            boolean done = d.booleanValue("done", false);
            p = p.and(m -> m instanceof InstallSnapshot is && is.done() == done);
        }
        if (d.value("offset").isPresent()) {
            long offset = d.longValue("offset", 0);
            p = p.and(m -> m instanceof InstallSnapshot is && is.offset() == offset);
        }
        return p;
    }

    private static Predicate<Message> typeFilter(Directive d, String type) {
        return switch (type) {
            case "App" -> m -> m instanceof AppendEntries;
            case "AppResp" -> m -> m instanceof AppendResponse;
            case "Vote" -> m -> m instanceof VoteRequest v && !v.preVote();
            case "VoteResp" -> m -> m instanceof VoteResponse v && !v.preVote();
            case "PreVote" -> m -> m instanceof VoteRequest v && v.preVote();
            case "PreVoteResp" -> m -> m instanceof VoteResponse v && v.preVote();
            case "Heartbeat" -> m -> m instanceof Heartbeat;
            case "HeartbeatResp" -> m -> m instanceof HeartbeatResponse;
            case "Snapshot" -> m -> m instanceof InstallSnapshot;
            case "SnapshotAck" -> m -> m instanceof SnapshotAck;
            case "TimeoutNow" -> m -> m instanceof TimeoutNow;
            case "any" -> m -> true;
            default -> throw d.fail("no message type " + type);
        };
    }
}
