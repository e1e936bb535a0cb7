package io.shardkv.ctrler;

import static io.shardkv.ctrler.CtrlerLab.SECOND;

import io.shardkv.raft.testing.Blocks;
import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The interpreter of the controller scenario scripts ({@code src/test/resources/scripts/ctrler/*.txt}):
 * the shardctrler lab's tests as data, on a {@link CtrlerLab} with a given number of shards (the
 * tests replay each script with the lab's 10 and again with 64, and both must print the same).
 * Outputs therefore state facts that hold for any shard count and seed; every check fails the step.
 * Groups are named by their ids; one clerk makes every call unless a verb says otherwise.
 *
 * <p>Verbs (besides {@link Blocks}' {@code schedule} and {@code repeat}):
 * <ul>
 * <li>{@code cluster servers=3}: the controller replicas, no snapshots.</li>
 * <li>{@code join 1=(x,y,z) 2=(a,b,c)} (one Join), {@code leave 1 2} (one Leave).</li>
 * <li>{@code check G...}: the lab's check(): the latest configuration has exactly these groups,
 *     every shard is on one of them, and sizes differ by at most one.</li>
 * <li>{@code servers}: each group of the latest configuration with its servers.</li>
 * <li>{@code save}: remembers the latest configuration; {@code historical-queries}: every saved
 *     one reads back exactly by number, with each replica in turn shut down.</li>
 * <li>{@code move-halves G H}: moves shards 0..NShards/2-1 to G and the rest to H, one Move each;
 *     a move that changes ownership must raise the number, and the final mapping must be that.</li>
 * <li>{@code check-join-moves G} / {@code check-leave-moves G}: the latest join (leave) moved at most
 *     NShards/3 + 1 shards, each to (from) G.</li>
 * <li>{@code concurrent-join-leave clerks=N}: N clerks at once, clerk i joins 100+10i+1000, joins
 *     100+10i, leaves 100+10i+1000 (TestBasic); {@code concurrent-multi-join-leave clerks=N}: clerk
 *     i joins 1000+i with 2000+i and 3000+i in one call, then leaves the two (TestMulti).</li>
 * <li>{@code minimal-transfers G... [one-call=true]}: joins the groups (one at a time, or in one
 *     Join) and requires that no shard of the groups there before moved except to a joiner; leaves
 *     them again and requires that no shard of a staying group moved.</li>
 * <li>{@code crash-leader}: shuts the leader down; no survivor may claim leadership at once, and the
 *     latest configuration read afterwards must be the one before.</li>
 * </ul>
 */
final class CtrlerScript implements ScriptRunner.Interpreter {

    private static final long CONCURRENT_LIMIT = 60 * SECOND;

    private final int shards;
    private final long seed;
    private CtrlerLab lab;
    private SimCtrlerClerk ck;
    private final List<Config> saved = new ArrayList<>();
    /**
     * The latest configuration, as this script's clerk last saw it (null after other clerks made
     * changes): what a join or leave changes, without an extra query.
     */
    private Config latest;
    /** The configurations before and after the latest join or leave, and which it was. */
    private Config beforeChange;
    private Config afterChange;
    private String change = "";

    private CtrlerScript(int shards, long seed) {
        this.shards = shards;
        this.seed = seed;
    }

    /** A fresh interpreter for one replay of a script with {@code shards} shards and {@code seed}. */
    static ScriptRunner.Interpreter forShardsAndSeed(int shards, long seed) {
        CtrlerScript s = new CtrlerScript(shards, seed);
        return new Blocks(s, () -> s.lab == null ? 0 : s.lab.cluster.now());
    }

    @Override
    public String run(Directive d) {
        if (d.command().equals("cluster")) {
            return cluster(d.allowing("servers"));
        }
        if (lab == null) {
            throw d.fail("the script must begin with cluster");
        }
        return switch (d.command()) {
            case "join" -> join(d);
            case "leave" -> leave(d.allowing());
            case "check" -> {
                Config c = latest = lab.check(ck, d.allowing().intWords());
                yield c.groups().isEmpty() ? "no groups" : "groups " + joined(c.groups().keySet())
                        + ", every shard on one of them, balanced";
            }
            case "servers" -> servers(d.allowing());
            case "save" -> {
                d.allowing();
                saved.add(latest = lab.query(ck, -1));
                yield "";
            }
            case "historical-queries" -> historicalQueries(d.allowing());
            case "move-halves" -> moveHalves(d.allowing());
            case "check-join-moves", "check-leave-moves" -> checkMoves(d.allowing());
            case "concurrent-join-leave" -> concurrent(d.allowing("clerks"), false);
            case "concurrent-multi-join-leave" -> concurrent(d.allowing("clerks"), true);
            case "minimal-transfers" -> minimalTransfers(d.allowing("one-call"));
            case "crash-leader" -> crashLeader(d.allowing());
            default -> throw d.fail("unknown verb");
        };
    }

    private String cluster(Directive d) {
        if (lab != null) {
            throw d.fail("there is a cluster already");
        }
        int servers = d.intValue("servers", 0);
        if (servers < 1) {
            throw d.fail("servers= must be given");
        }
        lab = CtrlerLab.make(servers, shards, 0, seed);
        ck = lab.clerk();
        latest = Config.initial(shards);
        return servers + " controller replicas";
    }

    private static String joined(Iterable<Integer> gids) {
        StringJoiner out = new StringJoiner(" ");
        gids.forEach(g -> out.add(String.valueOf(g)));
        return out.toString();
    }

    /** {@code join 1=(x,y,z) 2=(a,b,c)}: the groups, sorted, with their servers. */
    private String join(Directive d) {
        Map<Integer, List<String>> groups = new TreeMap<>();
        for (Directive.Arg a : d.args()) {
            try {
                groups.put(Integer.parseInt(a.key()), a.values());
            } catch (NumberFormatException e) {
                throw d.fail("join takes gid=(servers...), was " + a);
            }
            if (a.values().isEmpty()) {
                throw d.fail("group " + a.key() + " needs its servers: " + a.key() + "=(host,...)");
            }
        }
        if (groups.isEmpty()) {
            throw d.fail("join takes gid=(servers...)");
        }
        beforeChange = latest();
        afterChange = latest = lab.join(ck, groups);
        change = "join";
        return "";
    }

    private String leave(Directive d) {
        List<Integer> gids = d.intWords();
        if (gids.isEmpty()) {
            throw d.fail("name the groups that leave");
        }
        beforeChange = latest();
        afterChange = latest = lab.leave(ck, gids);
        change = "leave";
        return "";
    }

    /** The latest configuration: the one last seen, or a query's if other clerks changed it since. */
    private Config latest() {
        return latest != null ? latest : (latest = lab.query(ck, -1));
    }

    private String servers(Directive d) {
        Config c = latest = lab.query(ck, -1);
        StringJoiner out = new StringJoiner("\n");
        c.groups().forEach((gid, servers) -> out.add(gid + ": " + String.join(" ", servers)));
        return out.length() == 0 ? "no groups" : out.toString();
    }

    private String historicalQueries(Directive d) {
        if (saved.isEmpty()) {
            throw d.fail("nothing saved; save remembers the latest configuration");
        }
        for (int s : lab.servers()) {
            lab.cluster.crash(s);
            for (Config c : saved) {
                Config read = lab.query(ck, c.num());
                if (!c.equals(read)) {
                    throw lab.cluster.fail("historical config " + c.num() + " with server " + s + " down: expected "
                            + c + ", got " + read);
                }
            }
            lab.cluster.start(s);
        }
        return saved.size() + " saved configurations read back exactly with each of the " + lab.servers().size()
                + " replicas down in turn";
    }

    private String moveHalves(Directive d) {
        List<Integer> gids = d.intWords();
        if (gids.size() != 2) {
            throw d.fail("move-halves G H: the lower half of the shards to G, the rest to H");
        }
        int low = gids.get(0);
        int high = gids.get(1);
        for (int i = 0; i < shards; i++) {
            Config before = lab.query(ck, -1);
            int target = i < shards / 2 ? low : high;
            Config after = lab.move(ck, i, target);
            if (before.groupOf(i) != target && after.num() <= before.num()) {
                throw lab.cluster.fail("moving shard " + i + " to " + target + " changed its owner but left the number at "
                        + after.num());
            }
        }
        Config moved = latest = lab.query(ck, -1);
        for (int i = 0; i < shards; i++) {
            int expected = i < shards / 2 ? low : high;
            if (moved.groupOf(i) != expected) {
                throw lab.cluster.fail("shard " + i + " is on " + moved.groupOf(i) + " after the moves, not " + expected);
            }
        }
        return "shards 0..NShards/2-1 on " + low + ", the rest on " + high
                + "; every move that changed an owner raised the number";
    }

    private String checkMoves(Directive d) {
        boolean join = d.command().equals("check-join-moves");
        if (!change.equals(join ? "join" : "leave")) {
            throw d.fail("the latest change was not a " + (join ? "join" : "leave"));
        }
        int gid = d.intWord(0);
        int changed = 0;
        for (int s = 0; s < shards; s++) {
            int was = beforeChange.groupOf(s);
            int is = afterChange.groupOf(s);
            if (was != is) {
                changed++;
                if (join ? is != gid : was != gid) {
                    throw lab.cluster.fail("shard " + s + " moved from " + was + " to " + is + ", but "
                            + (join ? "not to the joining group " : "was not the leaving group's ") + gid);
                }
            }
        }
        int limit = shards / 3 + 1;
        if (changed > limit) {
            throw lab.cluster.fail(changed + " shards changed on " + change + ", more than NShards/3 + 1 = " + limit);
        }
        return (join ? "joining " : "leaving ") + gid + " moved at most NShards/3 + 1 shards, each "
                + (join ? "to " : "from ") + gid;
    }

    private static List<String> servers(int gid, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add("g" + gid + "-" + i + ":1");
        }
        return out;
    }

    private String concurrent(Directive d, boolean multi) {
        int n = d.intValue("clerks", 0);
        if (n < 1) {
            throw d.fail("clerks= must be given");
        }
        int[] finished = {0};
        for (int i = 0; i < n; i++) {
            SimCtrlerClerk c = lab.clerk();
            if (multi) {
                int gid = 1000 + i;
                Map<Integer, List<String>> three = new TreeMap<>();
                three.put(gid, servers(gid, 3));
                three.put(gid + 1000, servers(gid + 1000, 1));
                three.put(gid + 2000, servers(gid + 2000, 1));
                c.join(three, j -> c.leave(List.of(gid + 1000, gid + 2000), l -> finished[0]++));
            } else {
                int gid = 100 + 10 * i;
                c.join(Map.of(gid + 1000, List.of("s" + gid + "k")), j1 -> c.join(Map.of(gid, List.of("s" + gid)),
                        j2 -> c.leave(List.of(gid + 1000), l -> finished[0]++)));
            }
        }
        latest = null;
        if (!lab.cluster.runUntil(() -> finished[0] == n, CONCURRENT_LIMIT)) {
            throw lab.cluster.fail("the concurrent clerks did not finish within 60 s of virtual time");
        }
        return n + " clerks finished";
    }

    /**
     * Joins the groups (one at a time, or in one call) and requires that no shard of the groups
     * there before moved except to a joiner; then leaves them again and requires that shards of
     * the staying groups stayed put.
     */
    private String minimalTransfers(Directive d) {
        List<Integer> extra = d.intWords();
        boolean oneCall = d.booleanValue("one-call", false);
        Config c1 = lab.query(ck, -1);
        List<Integer> original = new ArrayList<>(c1.groups().keySet());
        if (oneCall) {
            Map<Integer, List<String>> joins = new TreeMap<>();
            extra.forEach(g -> joins.put(g, servers(g, 2)));
            lab.join(ck, joins);
        } else {
            extra.forEach(g -> lab.join(ck, Map.of(g, servers(g, 2))));
        }
        List<Integer> all = new ArrayList<>(original);
        all.addAll(extra);
        Config c2 = lab.check(ck, all);
        for (int s = 0; s < shards; s++) {
            if (!extra.contains(c2.groupOf(s)) && c1.groupOf(s) != c2.groupOf(s)) {
                throw lab.cluster.fail("shard " + s + " moved between original groups on join");
            }
        }
        if (oneCall) {
            lab.leave(ck, extra);
        } else {
            extra.forEach(g -> lab.leave(ck, List.of(g)));
        }
        Config c3 = latest = lab.check(ck, original);
        for (int s = 0; s < shards; s++) {
            if (!extra.contains(c2.groupOf(s)) && c2.groupOf(s) != c3.groupOf(s)) {
                throw lab.cluster.fail("shard " + s + " of a staying group moved on leave");
            }
        }
        return (oneCall ? "one join" : "joins") + " of " + joined(extra) + " moved shards only to them; "
                + (oneCall ? "one leave" : "leaves") + " moved only theirs; groups " + joined(new TreeSet<>(original))
                + " again, balanced";
    }

    private String crashLeader(Directive d) {
        Config before = lab.query(ck, -1);
        int leader = lab.cluster.newestLeader();
        if (leader == 0) {
            throw lab.cluster.fail("no leader to shut down");
        }
        lab.cluster.crash(leader);
        for (int s : lab.servers()) {
            if (s != leader && lab.cluster.node(s).isLeader()) {
                throw lab.cluster.fail("server " + s + " claimed leadership at once");
            }
        }
        Config after = latest = lab.query(ck, -1);
        if (!before.equals(after)) {
            throw lab.cluster.fail("the latest configuration changed with the leader's loss: " + before + " became "
                    + after);
        }
        return "no survivor claimed leadership at once; the latest configuration is the same";
    }
}
