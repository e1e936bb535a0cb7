package io.shardkv.group;

import io.shardkv.group.engine.DurableEngine;
import io.shardkv.group.engine.GroupEngine;
import io.shardkv.group.engine.ShardView;
import io.shardkv.kv.Key;
import io.shardkv.kv.KvCommands;
import io.shardkv.kv.KvOps;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.SessionTable;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The rules by which a shard group's replicated state ({@link GroupState}) changes (DESIGN §8):
 * the configuration it has reached, and for every shard it holds the data, the shard's own
 * exactly-once table and its migration state. The bytes are elsewhere: commands and replies in
 * {@link GroupCodec}, the snapshot image in {@link GroupSnapshot}; answers to other groups' pulls
 * come from {@link PullAnswers}, and a chunk is checked by {@link ChunkValidator}.
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
 * shards are dropped from the engine ({@link io.shardkv.group.engine.ShardData#drop}) and from the next snapshot.
 *
 * <p>Every command is checked against the state when applied, so duplicates, retries and proposals
 * of deposed leaders are no-ops. Deterministic: only ordered collections are iterated.
 */
final class ShardGroupStateMachine implements StateMachine {

    /** The outcome of one of the group's own commands. */
    enum Reply { APPLIED, IGNORED, NOT_READY }

    /** A shard this group must pull: from whom, frozen since when, and where the last chunk ended. */
    record PullTask(int shard, long handoff, int sourceGid, List<String> sourceServers, Key cursor) {
    }

    /** A shard whose previous holder must be told to delete its copy. */
    record GcTask(int shard, long handoff, int sourceGid, List<String> sourceServers) {
    }

    private final GroupState state;
    private final GroupEngine engine;
    private final long sessionTimeoutMillis;
    private final int maxUnacked;
    private final ChunkValidator chunks;
    /** Where the group's state is kept beside its data, on a durable engine (null: the data is all it keeps). */
    private final GroupJournal journal;
    private StateMachine.Recovered recovered;

    /**
     * @param engine               where the shards' data is kept
     * @param sessionTimeoutMillis a client idle this long (replicated time) is forgotten by a shard
     * @param maxUnacked           replies a shard keeps per client for unacknowledged writes
     */
    ShardGroupStateMachine(int gid, int numShards, GroupEngine engine, long sessionTimeoutMillis, int maxUnacked) {
        if (gid <= Config.NO_GROUP) {
            throw new IllegalArgumentException("group id must be > 0, was " + gid);
        }
        if (Shards.invalidCount(numShards) != null) {
            throw new IllegalArgumentException(Shards.invalidCount(numShards));
        }
        this.state = new GroupState(gid, numShards);
        this.engine = engine;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.maxUnacked = maxUnacked;
        this.chunks = new ChunkValidator(numShards, this::newSessions);
        this.journal = engine instanceof DurableEngine d ? new GroupJournal(state, d) : null;
        this.recovered = journal == null ? null : journal.load(this::newSessions);
    }

    int gid() {
        return state.gid;
    }

    Config config() {
        return state.config;
    }

    /** The state of {@code shard} here, or null if this group holds nothing of it. */
    ShardState state(int shard) {
        return state.shards[shard] == null ? null : state.shards[shard].state;
    }

    /** The shards held, their states and sizes; on the node's thread. */
    ShardGroupView view() {
        SortedMap<Integer, ShardState> states = new TreeMap<>();
        SortedMap<Integer, Integer> keys = new TreeMap<>();
        for (int s = 0; s < state.numShards; s++) {
            ShardState st = state(s);
            if (st != null) {
                states.put(s, st);
                keys.put(s, keys(s));
            }
        }
        return new ShardGroupView(config().num(), settled(), states, keys);
    }

    /**
     * The data of {@code shard} if this group serves it now (null if not), for reading on the
     * node's thread only.
     */
    ShardView servedData(int shard) {
        Shard s = state.shards[shard];
        return s != null && s.serving() && config().groupOf(shard) == gid() ? s.data : null;
    }

    /** Keys held for {@code shard}, for tests and metrics. */
    int keys(int shard) {
        return state.shards[shard] == null ? 0 : Math.toIntExact(state.shards[shard].data.size());
    }

    /**
     * Nothing to pull and nothing waiting to be pulled: the next configuration may be taken.
     * Deletions this group owes others do not count: they need nothing more from this group's state.
     */
    boolean settled() {
        for (Shard s : state.shards) {
            if (s != null && (s.state == ShardState.PULLING
                    || s.state == ShardState.OUTGOING && s.peer != Config.NO_GROUP)) {
                return false;
            }
        }
        return true;
    }

    List<PullTask> pullTasks() {
        List<PullTask> tasks = new ArrayList<>();
        for (int i = 0; i < state.numShards; i++) {
            Shard s = state.shards[i];
            if (s != null && s.state == ShardState.PULLING) {
                tasks.add(new PullTask(i, s.handoff, s.peer, s.peerServers, s.pullCursor));
            }
        }
        return tasks;
    }

    /** The deletions this group owes: previous holders to tell to delete their copies. */
    List<GcTask> gcTasks() {
        return List.copyOf(state.deletions);
    }

    /** Answers another group's pull of {@code shard} frozen at {@code handoff} ({@link PullAnswers#answer}). */
    PullAnswer pull(int shard, long handoff, Key from, int maxBytes) {
        return PullAnswers.answer(state, shard, handoff, from, maxBytes);
    }

    /** Why {@code chunk} cannot continue the pull of {@code shard} after {@code from}, or null if it can. */
    String invalidChunk(int shard, Key from, PullAnswer.Chunk chunk) {
        return chunks.problem(shard, from, chunk);
    }

    // ------------------------------------------------------------------ apply

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        GroupCommand c = GroupCodec.decode(command);
        if (journal != null) {
            journal.entryBegins();
        }
        if (c instanceof GroupCommand.ClientWrite w) {
            if (journal != null) {
                journal.shardChanged(Shards.shardOf(w.request().key(), state.numShards));
            }
            return write(w.request(), timeMillis);
        }
        if (journal != null) {
            journal.groupChanged();
        }
        if (c instanceof GroupCommand.NextConfig n) {
            return GroupCodec.encodeReply(takeConfig(n.config(), timeMillis));
        }
        if (c instanceof GroupCommand.InstallChunk i) {
            return GroupCodec.encodeReply(install(i, timeMillis));
        }
        if (c instanceof GroupCommand.GcDone g) {
            return GroupCodec.encodeReply(gcDone(g));
        }
        return GroupCodec.encodeReply(delete((GroupCommand.DeleteShard) c));
    }

    private byte[] write(KvRequest r, long now) {
        if (!serves(r.key())) {
            return KvCommands.reply(KvStatus.WRONG_GROUP, null);
        }
        String invalid = invalidList(r);
        if (invalid != null) {
            return KvCommands.refusal(invalid);
        }
        Shard s = state.shardOf(r.key());
        s.sessions.expire(now, sessionTimeoutMillis);
        SessionTable.Admission a = s.sessions.admit(r.clientId(), r.seq(), r.lowestUnacked(), now);
        if (a instanceof SessionTable.Duplicate d) {
            return d.reply();
        }
        if (a instanceof SessionTable.Fresh fresh) {
            byte[] reply = KvOps.write(s.data, new KvCommands.Command(r.op(), r.key(), r.value(), r.expected()));
            fresh.session().record(r.seq(), reply);
            return reply;
        }
        return KvCommands.refusal(refusal(a, r));
    }

    /** Why a shard's session table did not admit {@code r}: nothing was applied. */
    private String refusal(SessionTable.Admission a, KvRequest r) {
        String client = "client " + Long.toUnsignedString(r.clientId());
        if (a instanceof SessionTable.TooManyUnacked t) {
            return client + " has " + t.limit() + " unacknowledged writes to shard "
                    + Shards.shardOf(r.key(), state.numShards) + ", the most it may; wait for replies";
        }
        if (a instanceof SessionTable.Stale) {
            return client + "'s write " + r.seq() + " was acknowledged before: its reply is no longer kept";
        }
        return client + "'s session in shard " + Shards.shardOf(r.key(), state.numShards) + " expired: write "
                + r.seq() + " may have been applied before, so it is not applied now";
    }

    private Reply takeConfig(Config next, long now) {
        Config current = state.config;
        if (next.num() != current.num() + 1 || next.numShards() != state.numShards) {
            return Reply.IGNORED;
        }
        if (!settled()) {
            return Reply.NOT_READY;
        }
        for (int i = 0; i < state.numShards; i++) {
            int before = current.groupOf(i);
            int after = next.groupOf(i);
            if (before != Config.NO_GROUP && after != before) {
                state.holders[i] = new GroupState.Holder(before, current.groups().get(before), next.num());
            }
            if (after == state.gid && before != state.gid) {
                acquire(i);
            } else if (before == state.gid && after != state.gid) {
                Shard s = state.shards[i];
                s.state = ShardState.OUTGOING;
                s.handoff = next.num();
                s.peer = after;
                s.peerServers = after == Config.NO_GROUP ? List.of() : next.groups().get(after);
            } else if (before == Config.NO_GROUP && after != Config.NO_GROUP && after != state.gid) {
                awaitPuller(i, after, next);
            }
        }
        for (Shard s : state.shards) {
            if (s != null && s.state != ShardState.OUTGOING) {
                // A frozen copy stays exactly as handed off: every replica answers a pull alike.
                s.sessions.expire(now, sessionTimeoutMillis);
            }
        }
        state.config = next;
        return Reply.APPLIED;
    }

    /** This group owns {@code shard} from the configuration being taken. */
    private void acquire(int shard) {
        GroupState.Holder h = state.holders[shard];
        Shard held = state.shards[shard];
        if (h == null) {
            state.shards[shard] = new Shard(ShardState.SERVING, newSessions(), engine.newShard(shard));
        } else if (h.gid() == state.gid) {
            // Still ours from before, frozen since nobody else took it: serve it again.
            if (held == null || held.state != ShardState.OUTGOING || held.handoff != h.handoff()) {
                throw new IllegalStateException("group " + state.gid + " should hold shard " + shard + " frozen since "
                        + h.handoff() + " but holds " + (held == null ? "nothing" : held.state + " since " + held.handoff));
            }
            held.state = ShardState.SERVING;
            held.peer = Config.NO_GROUP;
            held.peerServers = List.of();
        } else {
            Shard s = new Shard(ShardState.PULLING, newSessions(), engine.newShard(shard));
            s.handoff = h.handoff();
            s.peer = h.gid();
            s.peerServers = h.servers();
            state.shards[shard] = s;
        }
    }

    /**
     * A shard this group froze while nobody owned it has an owner again, who will pull it from
     * here: keep the copy, and this group unsettled, until that owner has it. Moving on earlier
     * could let a later configuration hand the shard back to this group, which would then wait
     * on the new owner for data that only its own discarded copy had.
     */
    private void awaitPuller(int shard, int owner, Config next) {
        Shard s = state.shards[shard];
        if (s != null && s.state == ShardState.OUTGOING && s.peer == Config.NO_GROUP) {
            s.peer = owner;
            s.peerServers = next.groups().get(owner);
        }
    }

    private SessionTable newSessions() {
        SessionTable table = new SessionTable(maxUnacked, SessionTable.NewClients.ANY);
        if (journal != null) {
            table.trackChanges();
        }
        return table;
    }

    private Reply install(GroupCommand.InstallChunk i, long now) {
        Shard s = state.shard(i.shard());
        if (s == null || s.state != ShardState.PULLING || s.handoff != i.handoff() || state.config.num() != i.configNum()
                || !Objects.equals(s.pullCursor, i.from())) {
            return Reply.IGNORED;
        }
        if (invalidChunk(i.shard(), i.from(), i.chunk()) != null) {
            return Reply.IGNORED;
        }
        for (Map.Entry<Key, byte[]> e : i.chunk().entries()) {
            s.data.put(e.getKey(), e.getValue());
            s.pullCursor = e.getKey();
        }
        if (i.chunk().last()) {
            s.sessions.load(i.chunk().sessions(), now);
            s.state = ShardState.SERVING;
            s.pullCursor = null;
            state.deletions.add(new GcTask(i.shard(), i.handoff(), s.peer, s.peerServers));
            s.peer = Config.NO_GROUP;
            s.peerServers = List.of();
        }
        return Reply.APPLIED;
    }

    private Reply gcDone(GroupCommand.GcDone g) {
        boolean removed = state.deletions.removeIf(d -> d.shard() == g.shard() && d.handoff() == g.handoff());
        return removed ? Reply.APPLIED : Reply.IGNORED;
    }

    private Reply delete(GroupCommand.DeleteShard d) {
        Shard s = state.shard(d.shard());
        if (s != null && s.state == ShardState.OUTGOING && s.handoff == d.handoff()) {
            s.data.drop();
            state.shards[d.shard()] = null;
            return Reply.APPLIED;
        }
        return state.config.num() < d.handoff() ? Reply.NOT_READY : Reply.APPLIED;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public byte[] query(byte[] query) {
        KvCommands.Query q = KvCommands.decodeQuery(query);
        byte[] key = q.keys().get(0);
        if (!serves(key)) {
            return KvCommands.reply(KvStatus.WRONG_GROUP, null);
        }
        if (!q.multi()) {
            return KvOps.read(state.shardOf(key).data, key);
        }
        String elsewhere = keysOfOtherShards(q.keys(), 1);
        return elsewhere != null ? KvCommands.refusal(elsewhere) : KvOps.readAll(state.shardOf(key).data, q.keys());
    }

    /**
     * Why a request on a list of keys (MULTI_PUT, MULTI_PUT_IF_ABSENT, MULTI_DELETE, MULTI_GET)
     * cannot run as one step of the request key's shard, or null if it can (or is no such request):
     * the list must decode, be whole pairs for the puts, start with the request's key and hold keys
     * of that shard only.
     * Checked before a write is logged, and again when it is applied.
     */
    String invalidList(KvRequest r) {
        if (r.op() != KvOp.MULTI_PUT && r.op() != KvOp.MULTI_PUT_IF_ABSENT && r.op() != KvOp.MULTI_DELETE
                && r.op() != KvOp.MULTI_GET) {
            return null;
        }
        List<byte[]> items;
        try {
            items = KvCommands.decodeList(r.value());
        } catch (IllegalStateException e) {
            return r.op() + " carries a malformed list: " + e.getMessage();
        }
        int step = r.op() == KvOp.MULTI_PUT || r.op() == KvOp.MULTI_PUT_IF_ABSENT ? 2 : 1;
        if (items.isEmpty() || items.size() % step != 0) {
            return r.op() + " needs " + (step == 2 ? "whole key, value pairs" : "at least one key") + ", got "
                    + items.size() + " items";
        }
        if (items.contains(null) || !Arrays.equals(items.get(0), r.key())) {
            return r.op() + "'s list must start with the request's key and hold no absent items";
        }
        for (int i = 0; i < items.size(); i += step) {
            if (items.get(i).length > KvLimits.MAX_KEY_BYTES) {
                return "key of " + items.get(i).length + " bytes exceeds the limit of " + KvLimits.MAX_KEY_BYTES;
            }
        }
        return keysOfOtherShards(items, step);
    }

    /** Why not every {@code step}-th item of {@code keys} is in the first one's shard, or null if they all are. */
    private String keysOfOtherShards(List<byte[]> keys, int step) {
        int shard = Shards.shardOf(keys.get(0), state.numShards);
        for (int i = step; i < keys.size(); i += step) {
            int other = Shards.shardOf(keys.get(i), state.numShards);
            if (other != shard) {
                return "the keys are in several shards (" + shard + " and " + other + "): one request may touch one shard";
            }
        }
        return null;
    }

    /**
     * Whether this replica's state serves {@code key}'s shard: owned in the current configuration
     * and fully installed. A request for a shard it does not serve can be refused without a log
     * entry; applying re-checks, since the state may change before the entry commits.
     */
    boolean serves(byte[] key) {
        int shard = Shards.shardOf(key, state.numShards);
        Shard s = state.shards[shard];
        return state.config.groupOf(shard) == state.gid && s != null && s.serving();
    }

    // ------------------------------------------------------------------ snapshots and backups

    /** The configuration this group has reached. */
    @Override
    public long backupPoint() {
        return state.config.num();
    }

    /**
     * A group's state is a backup of configuration {@code point} once it has reached it and has
     * nothing of a hand-off left — nothing to pull, nothing waiting to be pulled, no deletion owed:
     * then the shards it holds are exactly its own (plus any nobody owns), and a restored copy
     * needs no other group.
     */
    @Override
    public String backupRefusal(long point) {
        if (state.config.num() != point) {
            return "group " + state.gid + " is at configuration " + state.config.num() + ", the backup is of " + point;
        }
        if (!settled() || !state.deletions.isEmpty()) {
            return "group " + state.gid + " is still moving shards for configuration " + point + " (" + pullTasks().size()
                    + " to pull, " + state.deletions.size() + " deletions owed)";
        }
        return null;
    }

    @Override
    public SnapshotImage snapshot() {
        return GroupSnapshot.capture(state);
    }

    @Override
    public void restore(InputStream image) throws IOException {
        if (journal != null) {
            journal.forgetPoint();
            journal.groupChanged();
        }
        GroupSnapshot.restore(image, state, this::newSessions, engine);
    }

    // ------------------------------------------------------------------ durability (a durable engine)

    @Override
    public boolean durable() {
        return journal != null;
    }

    @Override
    public StateMachine.Recovered recovered() {
        return recovered;
    }

    @Override
    public void discardRecovered() {
        for (int i = 0; i < state.numShards; i++) {
            if (state.shards[i] != null) {
                state.shards[i].data.drop();
                state.shards[i] = null;
            }
            state.holders[i] = null;
        }
        state.config = Config.initial(state.numShards);
        state.deletions.clear();
        journal.reset();
        // For good: a crash now must not bring back a state the node refused.
        journal.persist();
        recovered = null;
    }

    @Override
    public void applied(long index, long term, Supplier<byte[]> hostState) {
        journal.applied(index, term, hostState);
    }

    @Override
    public void commitApplied() {
        journal.commit();
    }

    @Override
    public void persist() {
        journal.persist();
    }
}
