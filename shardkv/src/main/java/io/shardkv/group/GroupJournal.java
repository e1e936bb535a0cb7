package io.shardkv.group;

import io.shardkv.group.engine.DurableEngine;
import io.shardkv.raft.rsm.SessionTable;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.ctrler.ConfigCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard group's state kept in a {@link DurableEngine} record by record, beside the shards' data,
 * so that a replica reopens it instead of rebuilding it from the Raft snapshot and log. What a
 * batch of applied entries changed, and the last one's place in the log, are one engine commit;
 * so the engine always holds the state as of one applied entry, which {@link #load} reads back.
 *
 * <p>Records (big-endian; "servers" as {@link ConfigCodec#writeServers}):
 * <pre>
 *   "v"                        format (4) = 1
 *   "a"                        applied index (8) | term (8) | host state (the rest)
 *   "g"                        gid (4) | shards (4) | config (ConfigCodec) |
 *                              deletions owed ({@link GroupSnapshot#writeDeletions})
 *   "h" | shard (2)            holder ({@link GroupSnapshot#writeHolder}) | holds shard (1) |
 *                              entries (8) | position ({@link GroupSnapshot#writePosition})    (if it holds it)
 *   "s" | shard (2) | place (8)  one session of the shard's table ({@link SessionTable#drainChanges})
 * </pre>
 * Part of the durable format: change only with a new format number. A client write changes one
 * shard's head and one session; anything else (configurations, chunks, deletions) rewrites the
 * group record and every head that changed.
 */
final class GroupJournal {

    private static final Logger LOG = LoggerFactory.getLogger(GroupJournal.class);

    static final int FORMAT = 1;
    private static final byte[] FORMAT_KEY = {'v'};
    private static final byte[] POINT_KEY = {'a'};
    private static final byte[] GROUP_KEY = {'g'};
    private static final byte HEAD = 'h';
    private static final byte SESSION = 's';

    private final GroupState state;
    private final DurableEngine engine;
    /** Each shard's head as last written (null: none). */
    private final byte[][] heads;
    /** By shard, the shard whose sessions its session records are (null: none). */
    private final Shard[] journaled;
    /** Each held shard's entry count as its head was last written. */
    private final long[] counts;
    /** The last applied entry and the host's state then, until committed (null: none pending). */
    private Supplier<byte[]> pointHostState;
    private long pointIndex;
    private long pointTerm;
    private boolean entryOpen;
    private final BitSet changed = new BitSet();
    private boolean groupChanged;

    GroupJournal(GroupState state, DurableEngine engine) {
        this.state = state;
        this.engine = engine;
        this.heads = new byte[state.numShards][];
        this.journaled = new Shard[state.numShards];
        this.counts = new long[state.numShards];
        engine.beforeCommit(this::writePoint);
    }

    /** An entry is being applied: until {@link #applied}, nothing may be committed. */
    void entryBegins() {
        entryOpen = true;
    }

    /** Whatever asked for the commit, it is at an entry's end: the point the records are at goes with it. */
    private void writePoint() {
        if (entryOpen) {
            throw new IllegalStateException("the engine was asked to commit in the middle of an entry");
        }
        if (pointHostState != null) {
            byte[] host = pointHostState.get();
            engine.putRecord(POINT_KEY, ByteBuffer.allocate(16 + host.length).putLong(pointIndex).putLong(pointTerm)
                    .put(host).array());
            pointHostState = null;
        }
    }

    /** A client write to {@code shard} is being applied. */
    void shardChanged(int shard) {
        changed.set(shard);
    }

    /** An entry that may change any part of the group is being applied. */
    void groupChanged() {
        groupChanged = true;
    }

    /**
     * Entry ({@code index}, {@code term}) is applied: what it changed is written (gathered until
     * {@link #commit}); {@code hostState} is asked for at the commit, once for the batch.
     */
    void applied(long index, long term, Supplier<byte[]> hostState) {
        entryOpen = false;
        boolean all = groupChanged;
        if (all) {
            engine.putRecord(GROUP_KEY, encodeGroup());
            changed.set(0, state.numShards);
            groupChanged = false;
        }
        for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
            writeShard(i, all);
        }
        changed.clear();
        pointIndex = index;
        pointTerm = term;
        pointHostState = hostState;
    }

    /** The entries applied since the last commit, and the last one's point, become one engine commit. */
    void commit() {
        engine.commit();
    }

    /** Every commit so far survives a crash once this returns; any thread. */
    void persist() {
        engine.persist();
    }

    /** The state is about to be replaced (a restore): until the next {@link #applied}, it is at no entry. */
    void forgetPoint() {
        pointHostState = null;
        engine.deleteRecord(POINT_KEY);
        engine.commit();
    }

    /**
     * Writes what changed of shard {@code i}: its head if it differs from the one written (a
     * client write can change only the entry count, so {@code all} false skips even encoding it
     * while the count is as written), and its sessions.
     */
    private void writeShard(int i, boolean all) {
        Shard s = state.shards[i];
        if (all || s == null || s != journaled[i] || s.data.size() != counts[i]) {
            byte[] head = encodeHead(i);
            if (!Arrays.equals(head, heads[i])) {
                engine.putRecord(headKey(i), head);
                heads[i] = head;
            }
            counts[i] = s == null ? -1 : s.data.size();
        }
        if (journaled[i] != s) {
            if (journaled[i] != null) {
                engine.deleteRecords(sessionKey(i, 0), sessionKey(i + 1, 0));
            }
            journaled[i] = s;
        }
        if (s != null) {
            s.sessions.drainChanges(new SessionTable.ChangeSink() {
                @Override
                public void put(long place, byte[] session) {
                    engine.putRecord(sessionKey(i, place), session);
                }

                @Override
                public void delete(long place) {
                    engine.deleteRecord(sessionKey(i, place));
                }
            });
        }
    }

    private byte[] encodeGroup() {
        return DataFormat.write(out -> {
            out.writeInt(state.gid);
            out.writeInt(state.numShards);
            ConfigCodec.write(out, state.config);
            GroupSnapshot.writeDeletions(out, state.deletions);
        });
    }

    private byte[] encodeHead(int i) {
        Shard s = state.shards[i];
        return DataFormat.write(out -> {
            GroupSnapshot.writeHolder(out, state.holders[i]);
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeLong(s.data.size());
                GroupSnapshot.writePosition(out, s);
            }
        });
    }

    /**
     * Reads the state the engine holds into {@code state} (which must be new) and answers the
     * entry it is at, or null if the engine holds none — nothing yet, a restore cut short, or
     * another format — in which case the engine is emptied: the replica rebuilds its state.
     *
     * @throws IllegalStateException if the records are of another group or shard count, or malformed
     *                               (a malformed session record: {@link IllegalArgumentException})
     */
    StateMachine.Recovered load(Supplier<SessionTable> newSessions) {
        byte[] format = engine.record(FORMAT_KEY);
        byte[] point = engine.record(POINT_KEY);
        int found = format == null || format.length != 4 ? -1 : ByteBuffer.wrap(format).getInt();
        if (found != FORMAT || point == null) {
            if (format != null && found != FORMAT) {
                LOG.warn("group {}: its engine holds format {}, this version writes {}; it is emptied and the state "
                        + "rebuilt from the Raft snapshot and log", state.gid, found, FORMAT);
            }
            reset();
            return null;
        }
        byte[] group = engine.record(GROUP_KEY);
        if (group == null || point.length < 16) {
            throw new IllegalStateException("the engine's records are malformed: " + (group == null
                    ? "an applied entry but no group record" : "an applied-entry record of " + point.length + " bytes"));
        }
        DataFormat.read(group, "group record", in -> {
            int gid = in.readInt();
            int shards = in.readInt();
            if (gid != state.gid || shards != state.numShards) {
                throw new IllegalStateException("the engine holds group " + gid + " with " + shards
                        + " shards, this replica is of group " + state.gid + " with " + state.numShards);
            }
            state.config = ConfigCodec.read(in);
            GroupSnapshot.readDeletions(in, state.deletions);
            return null;
        });
        engine.scanRecords(new byte[] {HEAD}, (key, head) -> {
            int i = shardOf(key, 3);
            DataFormat.read(head, "head of shard " + i, in -> {
                state.holders[i] = GroupSnapshot.readHolder(in);
                if (in.readBoolean()) {
                    long size = in.readLong();
                    state.shards[i] = GroupSnapshot.readPosition(in, i,
                            st -> new Shard(st, newSessions.get(), engine.reopenShard(i, size)));
                }
                return null;
            });
            heads[i] = head;
            journaled[i] = state.shards[i];
            counts[i] = state.shards[i] == null ? -1 : state.shards[i].data.size();
            return true;
        });
        engine.scanRecords(new byte[] {SESSION}, (key, session) -> {
            int i = shardOf(key, 11);
            if (state.shards[i] == null) {
                throw new IllegalStateException("the engine holds a session of shard " + i + ", which it does not hold");
            }
            state.shards[i].sessions.restoreSession(ByteBuffer.wrap(key, 3, 8).getLong(), session);
            return true;
        });
        ByteBuffer p = ByteBuffer.wrap(point);
        return new StateMachine.Recovered(p.getLong(), p.getLong(), Arrays.copyOfRange(point, 16, point.length));
    }

    /** Empties the engine, records and data, as new; nothing may be held. */
    void reset() {
        engine.clear();
        Arrays.fill(heads, null);
        Arrays.fill(journaled, null);
        Arrays.fill(counts, -1);
        pointHostState = null;
        entryOpen = false;
        changed.clear();
        groupChanged = true; // the first entry applied writes the group and every head, whatever it is
        engine.putRecord(FORMAT_KEY, ByteBuffer.allocate(4).putInt(FORMAT).array());
        engine.commit();
    }

    private int shardOf(byte[] key, int length) {
        if (key.length != length) {
            throw new IllegalStateException("malformed record key of " + key.length + " bytes, not " + length);
        }
        int shard = ((key[1] & 0xFF) << 8) | (key[2] & 0xFF);
        if (shard >= state.numShards) {
            throw new IllegalStateException("the engine holds a record of shard " + shard + ", of "
                    + state.numShards + " shards");
        }
        return shard;
    }

    private static byte[] headKey(int shard) {
        return new byte[] {HEAD, (byte) (shard >>> 8), (byte) shard};
    }

    private static byte[] sessionKey(int shard, long place) {
        return ByteBuffer.allocate(11).put(SESSION).putShort((short) shard).putLong(place).array();
    }
}
