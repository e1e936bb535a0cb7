package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.kv.KvCommands;
import io.shardkv.kv.KvOps;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.SessionTable;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ConfigCodec;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvStatus;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The replicated state of one shard group (DESIGN §8): the configuration it has reached, and for
 * every shard it holds the data, the shard's own exactly-once table and its migration state.
 *
 * <p><b>Configurations</b> are taken strictly in order, each as a log command, and only once every
 * shard is settled for the current one (nothing to pull, nothing to garbage-collect, nothing
 * waiting to be pulled). Taking configuration N: a shard newly owned is PULLING from its previous
 * holder (or SERVING at once if nobody ever held it, or if this group still holds it); a shard no
 * longer owned becomes OUTGOING, frozen, until the new owner deletes it. If nobody owns it in N, the
 * frozen copy is kept without blocking; once a later configuration names an owner, that owner
 * pulls it from here and this group waits for it like for any hand-off.
 *
 * <p>Every group walks every configuration, so every group knows, per shard, who holds its data and
 * since when (the <i>holder</i>), even across configurations in which nobody owned it.
 *
 * <p><b>Migration</b> is pulled by the new owner's leader: chunks of the frozen shard (in key order)
 * go through the new owner's log; the last carries the shard's session table, so a client retrying
 * a write the old owner applied gets the old owner's reply instead of a second apply. The shard is
 * served from the moment the last chunk is applied. The new owner then owes the old one a
 * deletion: it tells the old owner, through the old owner's log, to delete its copy, and records
 * the confirmation in its own. The debt does not hold the new owner back — it may walk on, even
 * hand the shard on — while the old owner, whose copy is still frozen, waits for it. Deleted
 * shards are gone from memory and from the next snapshot.
 *
 * <p>Every command is checked against the state when applied, so duplicates, retries and proposals
 * of deposed leaders are no-ops. Deterministic: only ordered collections are iterated.
 */
public final class ShardGroupStateMachine implements StateMachine {

    /** The outcome of one of the group's own commands. */
    public enum Reply { APPLIED, IGNORED, NOT_READY }

    /** A shard this group must pull: from whom, frozen since when, and where the last chunk ended. */
    public record PullTask(int shard, long handoff, int sourceGid, List<String> sourceServers, Key cursor) {
    }

    /** A shard whose previous holder must be told to delete its copy. */
    public record GcTask(int shard, long handoff, int sourceGid, List<String> sourceServers) {
    }

    /** An answer to another group's pull. */
    public sealed interface PullAnswer {
    }

    /** The next chunk: entries after the asked-for key; on the last chunk, the session table. */
    public record Chunk(List<Map.Entry<Key, byte[]>> entries, boolean last, byte[] sessions) implements PullAnswer {
    }

    /** This group has not yet frozen the shard at that configuration; ask again later. */
    public record NotReady(long currentConfig) implements PullAnswer {
    }

    /** This group holds no such frozen shard (already deleted: the asker installed it before). */
    public record Gone() implements PullAnswer {
    }

    /** Who holds a shard's data and since which configuration it is frozen there. */
    private record Holder(int gid, List<String> servers, long handoff) {
    }

    private static final int SNAPSHOT_VERSION = 2;

    private final int gid;
    private final int numShards;
    private final long sessionTimeoutMillis;
    private final int maxUnacked;
    private Config current;
    private final Shard[] shards;
    private final Holder[] holders;
    /** Deletions this group owes previous holders of shards it installed, in the order installed. */
    private final List<GcTask> deletions = new ArrayList<>();

    /**
     * @param sessionTimeoutMillis a client idle this long (replicated time) is forgotten by a shard
     * @param maxUnacked           replies a shard keeps per client for unacknowledged writes
     */
    public ShardGroupStateMachine(int gid, int numShards, long sessionTimeoutMillis, int maxUnacked) {
        if (gid <= Config.NO_GROUP) {
            throw new IllegalArgumentException("group id must be > 0, was " + gid);
        }
        this.gid = gid;
        this.numShards = numShards;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.maxUnacked = maxUnacked;
        this.current = Config.initial(numShards);
        this.shards = new Shard[numShards];
        this.holders = new Holder[numShards];
    }

    public int gid() {
        return gid;
    }

    public Config config() {
        return current;
    }

    /** The state of {@code shard} here, or null if this group holds nothing of it. */
    public ShardState state(int shard) {
        return shards[shard] == null ? null : shards[shard].state;
    }

    /** Keys held for {@code shard}, for tests and metrics. */
    public int keys(int shard) {
        return shards[shard] == null ? 0 : shards[shard].data().size();
    }

    /**
     * Nothing to pull and nothing waiting to be pulled: the next configuration may be taken.
     * Deletions this group owes others do not count: they need nothing more from this group's state.
     */
    public boolean settled() {
        for (Shard s : shards) {
            if (s != null && (s.state == ShardState.PULLING
                    || s.state == ShardState.OUTGOING && s.peer != Config.NO_GROUP)) {
                return false;
            }
        }
        return true;
    }

    public List<PullTask> pullTasks() {
        List<PullTask> tasks = new ArrayList<>();
        for (int i = 0; i < numShards; i++) {
            Shard s = shards[i];
            if (s != null && s.state == ShardState.PULLING) {
                tasks.add(new PullTask(i, s.handoff, s.peer, s.peerServers, s.pullCursor));
            }
        }
        return tasks;
    }

    /** The deletions this group owes: previous holders to tell to delete their copies. */
    public List<GcTask> gcTasks() {
        return List.copyOf(deletions);
    }

    /**
     * Answers another group's pull of {@code shard} frozen at {@code handoff}: the entries after
     * {@code from}, up to about {@code maxBytes}. A frozen shard never changes, so any replica that
     * has applied the handoff gives the same answer, no log entry needed.
     */
    public PullAnswer pull(int shard, long handoff, Key from, int maxBytes) {
        if (shard < 0 || shard >= numShards) {
            return new Gone();
        }
        Shard s = shards[shard];
        if (s == null || s.state != ShardState.OUTGOING || s.handoff != handoff) {
            return current.num() < handoff ? new NotReady(current.num()) : new Gone();
        }
        List<Map.Entry<Key, byte[]>> entries = new ArrayList<>();
        long bytes = 0;
        Map<Key, byte[]> rest = from == null ? s.data() : s.data().tailMap(from, false);
        boolean last = true;
        for (Map.Entry<Key, byte[]> e : rest.entrySet()) {
            if (!entries.isEmpty() && bytes + e.getKey().bytes().length + e.getValue().length > maxBytes) {
                last = false;
                break;
            }
            entries.add(Map.entry(e.getKey(), e.getValue()));
            bytes += e.getKey().bytes().length + e.getValue().length;
        }
        if (!last) {
            return new Chunk(entries, false, new byte[0]);
        }
        byte[] sessions = s.sessions.toBytes();
        if (!entries.isEmpty() && bytes + sessions.length > maxBytes) {
            // The session table does not fit beside these entries: it comes alone, in one more chunk.
            return new Chunk(entries, false, new byte[0]);
        }
        return new Chunk(entries, true, sessions);
    }

    // ------------------------------------------------------------------ commands (encoded for the log)

    public static byte[] nextConfig(Config config) {
        return GroupCodec.encode(new GroupCommand.NextConfig(config));
    }

    public static byte[] clientWrite(KvRequest request) {
        return GroupCodec.encode(new GroupCommand.ClientWrite(request));
    }

    public static byte[] installChunk(long configNum, int shard, long handoff, Key from, Chunk chunk) {
        return GroupCodec.encode(new GroupCommand.InstallChunk(configNum, shard, handoff, from, chunk.entries(),
                chunk.last(), chunk.sessions()));
    }

    public static byte[] gcDone(int shard, long handoff) {
        return GroupCodec.encode(new GroupCommand.GcDone(shard, handoff));
    }

    public static byte[] deleteShard(int shard, long handoff) {
        return GroupCodec.encode(new GroupCommand.DeleteShard(shard, handoff));
    }

    public static Reply reply(byte[] bytes) {
        return Reply.values()[bytes[0]];
    }

    private static byte[] encode(Reply r) {
        return new byte[] {(byte) r.ordinal()};
    }

    // ------------------------------------------------------------------ apply

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        GroupCommand c = GroupCodec.decode(command);
        if (c instanceof GroupCommand.ClientWrite w) {
            return write(w.request(), timeMillis);
        }
        if (c instanceof GroupCommand.NextConfig n) {
            return encode(takeConfig(n.config(), timeMillis));
        }
        if (c instanceof GroupCommand.InstallChunk i) {
            return encode(install(i, timeMillis));
        }
        if (c instanceof GroupCommand.GcDone g) {
            return encode(gcDone(g));
        }
        return encode(delete((GroupCommand.DeleteShard) c));
    }

    private byte[] write(KvRequest r, long now) {
        if (!serves(r.key())) {
            return KvCommands.reply(KvStatus.WRONG_GROUP, null);
        }
        Shard s = shardOf(r.key());
        s.sessions.expire(now, sessionTimeoutMillis);
        SessionTable.Admission a = s.sessions.admit(r.clientId(), r.seq(), r.lowestUnacked(), now);
        if (a instanceof SessionTable.Duplicate d) {
            return d.reply();
        }
        if (a instanceof SessionTable.Fresh fresh) {
            byte[] reply = KvOps.write(s.mutableData(), new KvCommands.Command(r.op(), r.key(), r.value(), r.expected()));
            fresh.session().record(r.seq(), reply);
            return reply;
        }
        return KvCommands.reply(KvStatus.BAD_REQUEST, null);
    }

    private Reply takeConfig(Config next, long now) {
        if (next.num() != current.num() + 1 || next.numShards() != numShards) {
            return Reply.IGNORED;
        }
        if (!settled()) {
            return Reply.NOT_READY;
        }
        for (int i = 0; i < numShards; i++) {
            int before = current.groupOf(i);
            int after = next.groupOf(i);
            if (before != Config.NO_GROUP && after != before) {
                holders[i] = new Holder(before, current.groups().get(before), next.num());
            }
            if (after == gid && before != gid) {
                acquire(i);
            } else if (before == gid && after != gid) {
                Shard s = shards[i];
                s.state = ShardState.OUTGOING;
                s.handoff = next.num();
                s.peer = after;
                s.peerServers = after == Config.NO_GROUP ? List.of() : next.groups().get(after);
            } else if (before == Config.NO_GROUP && after != Config.NO_GROUP && after != gid) {
                awaitPuller(i, after, next);
            }
        }
        for (Shard s : shards) {
            if (s != null && s.state != ShardState.OUTGOING) {
                // A frozen copy stays exactly as handed off: every replica answers a pull alike.
                s.sessions.expire(now, sessionTimeoutMillis);
            }
        }
        current = next;
        return Reply.APPLIED;
    }

    /** This group owns {@code shard} from the configuration being taken. */
    private void acquire(int shard) {
        Holder h = holders[shard];
        Shard held = shards[shard];
        if (h == null) {
            shards[shard] = new Shard(ShardState.SERVING, newSessions());
        } else if (h.gid() == gid) {
            // Still ours from before, frozen since nobody else took it: serve it again.
            if (held == null || held.state != ShardState.OUTGOING || held.handoff != h.handoff()) {
                throw new IllegalStateException("group " + gid + " should hold shard " + shard + " frozen since "
                        + h.handoff() + " but holds " + (held == null ? "nothing" : held.state + " since " + held.handoff));
            }
            held.state = ShardState.SERVING;
            held.peer = Config.NO_GROUP;
            held.peerServers = List.of();
        } else {
            Shard s = new Shard(ShardState.PULLING, newSessions());
            s.handoff = h.handoff();
            s.peer = h.gid();
            s.peerServers = h.servers();
            shards[shard] = s;
        }
    }

    /**
     * A shard this group froze while nobody owned it has an owner again, who will pull it from
     * here: keep the copy, and this group unsettled, until that owner has it. Moving on earlier
     * could let a later configuration hand the shard back to this group, which would then wait
     * on the new owner for data that only its own discarded copy had.
     */
    private void awaitPuller(int shard, int owner, Config next) {
        Shard s = shards[shard];
        if (s != null && s.state == ShardState.OUTGOING && s.peer == Config.NO_GROUP) {
            s.peer = owner;
            s.peerServers = next.groups().get(owner);
        }
    }

    private SessionTable newSessions() {
        return new SessionTable(maxUnacked, SessionTable.NewClients.ANY);
    }

    /**
     * Why {@code chunk} cannot continue the pull of {@code shard} after {@code from}, or null if it
     * can: keys of that shard, ascending, after {@code from}; a chunk that is not the last brings at
     * least one entry (so the pull advances); the last one's session table is well formed. Checked
     * by the driver before proposing, and again when applying (so a bad chunk is a no-op).
     */
    public String invalidChunk(int shard, Key from, Chunk chunk) {
        if (!chunk.last() && chunk.entries().isEmpty()) {
            return "an empty chunk that is not the last";
        }
        Key previous = from;
        for (Map.Entry<Key, byte[]> e : chunk.entries()) {
            if (Shards.shardOf(e.getKey().bytes(), numShards) != shard) {
                return "a key of shard " + Shards.shardOf(e.getKey().bytes(), numShards) + ", not " + shard;
            }
            if (previous != null && e.getKey().compareTo(previous) <= 0) {
                return "keys not in ascending order after the cursor";
            }
            if (e.getValue() == null) {
                return "a key without a value";
            }
            previous = e.getKey();
        }
        if (chunk.last()) {
            try {
                newSessions().load(chunk.sessions());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    private Reply install(GroupCommand.InstallChunk i, long now) {
        Shard s = shard(i.shard());
        if (s == null || s.state != ShardState.PULLING || s.handoff != i.handoff() || current.num() != i.configNum()
                || !Objects.equals(s.pullCursor, i.from())) {
            return Reply.IGNORED;
        }
        if (invalidChunk(i.shard(), i.from(), new Chunk(i.entries(), i.last(), i.sessions())) != null) {
            return Reply.IGNORED;
        }
        Map<Key, byte[]> data = s.mutableData();
        for (Map.Entry<Key, byte[]> e : i.entries()) {
            data.put(e.getKey(), e.getValue());
            s.pullCursor = e.getKey();
        }
        if (i.last()) {
            s.sessions.load(i.sessions(), now);
            s.state = ShardState.SERVING;
            s.pullCursor = null;
            deletions.add(new GcTask(i.shard(), i.handoff(), s.peer, s.peerServers));
            s.peer = Config.NO_GROUP;
            s.peerServers = List.of();
        }
        return Reply.APPLIED;
    }

    private Reply gcDone(GroupCommand.GcDone g) {
        boolean removed = deletions.removeIf(d -> d.shard() == g.shard() && d.handoff() == g.handoff());
        return removed ? Reply.APPLIED : Reply.IGNORED;
    }

    private Reply delete(GroupCommand.DeleteShard d) {
        Shard s = shard(d.shard());
        if (s != null && s.state == ShardState.OUTGOING && s.handoff == d.handoff()) {
            shards[d.shard()] = null;
            return Reply.APPLIED;
        }
        return current.num() < d.handoff() ? Reply.NOT_READY : Reply.APPLIED;
    }

    private Shard shard(int shard) {
        return shard >= 0 && shard < numShards ? shards[shard] : null;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] query(byte[] query) {
        byte[] key = KvCommands.decodeQuery(query);
        if (!serves(key)) {
            return KvCommands.reply(KvStatus.WRONG_GROUP, null);
        }
        return KvOps.read(shardOf(key).data(), key);
    }

    /**
     * Whether this replica's state serves {@code key}'s shard: owned in the current configuration
     * and fully installed. A request for a shard it does not serve can be refused without a log
     * entry; applying re-checks, since the state may change before the entry commits.
     */
    public boolean serves(byte[] key) {
        int shard = Shards.shardOf(key, numShards);
        Shard s = shards[shard];
        return current.groupOf(shard) == gid && s != null && s.serving();
    }

    private Shard shardOf(byte[] key) {
        return shards[Shards.shardOf(key, numShards)];
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * Everything but the shards' data is copied now (it is small); each shard's map is captured
     * copy-on-write ({@link Shard#captureData}), so the image is this instant's state however long
     * writing it takes, and the node pays one map copy per shard written to meanwhile.
     */
    @Override
    public SnapshotImage snapshot() {
        byte[] head = DataFormat.write(out -> {
            out.writeInt(SNAPSHOT_VERSION);
            out.writeInt(gid);
            out.writeInt(numShards);
            ConfigCodec.write(out, current);
        });
        List<byte[]> shardHeads = new ArrayList<>(numShards);
        List<TreeMap<Key, byte[]>> shardData = new ArrayList<>(numShards);
        for (int i = 0; i < numShards; i++) {
            Holder h = holders[i];
            Shard s = shards[i];
            shardHeads.add(DataFormat.write(out -> {
                out.writeBoolean(h != null);
                if (h != null) {
                    out.writeInt(h.gid());
                    ConfigCodec.writeServers(out, h.servers());
                    out.writeLong(h.handoff());
                }
                writeShardHead(out, s);
            }));
            shardData.add(s == null ? null : s.captureData());
        }
        byte[] tail = DataFormat.write(out -> {
            out.writeInt(deletions.size());
            for (GcTask d : deletions) {
                out.writeInt(d.shard());
                out.writeLong(d.handoff());
                out.writeInt(d.sourceGid());
                ConfigCodec.writeServers(out, d.sourceServers());
            }
        });
        return stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
            out.write(head);
            for (int i = 0; i < numShards; i++) {
                out.write(shardHeads.get(i));
                if (shardData.get(i) != null) {
                    GroupCodec.writeEntries(out, shardData.get(i).entrySet());
                }
            }
            out.write(tail);
            out.flush();
        };
    }

    /** A shard's state, position and sessions: all but its data, which follows it in the image. */
    private static void writeShardHead(DataOutputStream out, Shard s) throws IOException {
        out.writeBoolean(s != null);
        if (s == null) {
            return;
        }
        out.writeByte(s.state.ordinal());
        out.writeLong(s.handoff);
        out.writeInt(s.peer);
        ConfigCodec.writeServers(out, s.peerServers);
        out.writeBoolean(s.pullCursor != null);
        if (s.pullCursor != null) {
            DataFormat.writeBytes(out, s.pullCursor.bytes());
        }
        DataFormat.writeBytes(out, s.sessions.toBytes());
    }

    @Override
    public void restore(InputStream image) throws IOException {
        DataInputStream in = new DataInputStream(image);
        int version = in.readInt();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("unsupported shard group snapshot version " + version);
        }
        int snapGid = in.readInt();
        int snapShards = in.readInt();
        if (snapGid != gid || snapShards != numShards) {
            throw new IOException("snapshot of group " + snapGid + " with " + snapShards + " shards given to group "
                    + gid + " with " + numShards);
        }
        current = ConfigCodec.read(in);
        for (int i = 0; i < numShards; i++) {
            holders[i] = in.readBoolean() ? new Holder(in.readInt(), ConfigCodec.readServers(in), in.readLong()) : null;
            shards[i] = null; // the replaced shard's data can go before the new one is read
            shards[i] = readShard(in);
        }
        deletions.clear();
        for (int n = in.readInt(); n > 0; n--) {
            deletions.add(new GcTask(in.readInt(), in.readLong(), in.readInt(), ConfigCodec.readServers(in)));
        }
    }

    private Shard readShard(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        Shard s = new Shard(ShardState.values()[in.readByte()], newSessions());
        s.handoff = in.readLong();
        s.peer = in.readInt();
        s.peerServers = ConfigCodec.readServers(in);
        s.pullCursor = in.readBoolean() ? new Key(DataFormat.readBytes(in)) : null;
        s.sessions.load(DataFormat.readBytes(in));
        GroupCodec.readEntries(in, s.mutableData()::put);
        return s;
    }
}
