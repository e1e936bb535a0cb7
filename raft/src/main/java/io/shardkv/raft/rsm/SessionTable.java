package io.shardkv.raft.rsm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Exactly-once bookkeeping (dissertation §6.3): per client session, the replies to the commands
 * it has not yet acknowledged. A retried command finds its reply here instead of being applied
 * again. Sessions are kept in order of last activity, so expiring the idle ones is a walk from the
 * front; activity is measured in replicated time (leader-stamped, carried in the log), so every
 * replica expires exactly the same sessions at exactly the same entry.
 *
 * <p>Which commands may open a session is the {@link NewClients} policy. A service whose clients
 * talk to it alone opens one only for a client with no unacknowledged predecessors
 * ({@code lowestUnacked == 1}); any other unknown client's session existed and expired, and
 * applying its command could apply something twice. A shard's table cannot tell — its clients
 * number their commands across every shard — so it opens a session for any unknown client, and
 * exactly-once then holds for retries within the session timeout.
 */
public final class SessionTable {

    /** Which unknown clients may open a session. */
    public enum NewClients {
        /** Only a client whose first unacknowledged command is 1; others are {@link Expired}. */
        FIRST_COMMAND_ONLY,
        /** Any unknown client. */
        ANY
    }

    /** What to do with an incoming client command. */
    public sealed interface Admission {
    }

    /** Not seen before: apply it, then {@link Session#record} the reply. */
    public record Fresh(Session session) implements Admission {
    }

    /** Applied before: answer with the recorded reply. */
    public record Duplicate(byte[] reply) implements Admission {
    }

    /** The client's session expired; the command may have been applied before and must not be again. */
    public record Expired() implements Admission {
    }

    /** A retry of a command whose reply the client already acknowledged: nobody waits for it. */
    public record Stale() implements Admission {
    }

    /** More unacknowledged commands than {@code maxUnacked}: the client must wait for replies. */
    public record TooManyUnacked(int limit) implements Admission {
    }

    /**
     * Where a tracked table's changes go ({@link #trackChanges}): each session is a record named by
     * its place in the activity order, which only grows; a session made active again moves to a new
     * place, and its old record goes.
     */
    public interface ChangeSink {
        void put(long place, byte[] session);

        void delete(long place);
    }

    /** One client's replies to commands it has not yet acknowledged. */
    public static final class Session {
        final long clientId;
        /** Its place in the activity order: larger is more recent. */
        long place;
        long lastActiveMillis;
        long lowestUnacked = 1;
        final TreeMap<Long, byte[]> replies = new TreeMap<>();

        Session(long clientId) {
            this.clientId = clientId;
        }

        public void record(long seq, byte[] reply) {
            replies.put(seq, reply);
        }
    }

    private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();
    private final int maxUnacked;
    private final NewClients newClients;
    private long nextPlace = 1;
    /** Changed since the last {@link #drainChanges}, while tracked (null: not tracked). */
    private Set<Session> changed;
    private List<Long> removed;

    public SessionTable(int maxUnacked, NewClients newClients) {
        this.maxUnacked = maxUnacked;
        this.newClients = newClients;
    }

    public int size() {
        return sessions.size();
    }

    public Admission admit(long clientId, long seq, long lowestUnacked, long nowMillis) {
        Session s = sessions.remove(clientId);
        if (s == null) {
            if (lowestUnacked != 1 && newClients == NewClients.FIRST_COMMAND_ONLY) {
                return new Expired();
            }
            s = new Session(clientId);
        }
        sessions.put(clientId, s); // most recently active last
        moved(s);
        s.lastActiveMillis = nowMillis;
        if (lowestUnacked > s.lowestUnacked) {
            s.lowestUnacked = lowestUnacked;
            s.replies.headMap(lowestUnacked).clear();
        }
        if (seq < s.lowestUnacked) {
            return new Stale();
        }
        byte[] reply = s.replies.get(seq);
        if (reply != null) {
            return new Duplicate(reply);
        }
        if (s.replies.size() >= maxUnacked) {
            return new TooManyUnacked(maxUnacked);
        }
        return new Fresh(s);
    }

    /** Forgets sessions idle since before {@code nowMillis - timeoutMillis}. */
    public void expire(long nowMillis, long timeoutMillis) {
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext()) {
            Session s = it.next();
            if (nowMillis - s.lastActiveMillis <= timeoutMillis) {
                return;
            }
            it.remove();
            if (changed != null) {
                removed.add(s.place);
                changed.remove(s);
            }
        }
    }

    /** {@code s} is now the most recently active: its place is the next one. */
    private void moved(Session s) {
        if (changed != null) {
            if (s.place != 0) {
                removed.add(s.place);
            }
            changed.add(s);
        }
        s.place = nextPlace++;
    }

    /**
     * From now on, remembers what changes, for a table kept durably record by record rather than
     * as a whole: {@link #drainChanges} hands it on. Must be called while the table is empty.
     */
    public void trackChanges() {
        if (!sessions.isEmpty()) {
            throw new IllegalStateException("changes are tracked from an empty table, this one holds " + sessions.size());
        }
        changed = new LinkedHashSet<>();
        removed = new ArrayList<>();
    }

    /**
     * Gives {@code sink} what changed since the last call: the records of sessions gone or moved,
     * then the sessions added or changed (whose replies may have been recorded since they were
     * admitted). A table {@link #restoreSession restored} from these records is this one.
     */
    public void drainChanges(ChangeSink sink) {
        if (changed == null) {
            throw new IllegalStateException("this table does not track its changes");
        }
        for (long place : removed) {
            sink.delete(place);
        }
        for (Session s : changed) {
            ByteArrayWriter out = new ByteArrayWriter();
            writeSession(out, s);
            sink.put(s.place, out.toByteArray());
        }
        removed.clear();
        changed.clear();
    }

    /**
     * Appends a session from the record {@link #drainChanges} gave at {@code place}: a tracked
     * table is rebuilt by restoring its records in place order.
     *
     * @throws IllegalArgumentException if the record is malformed or out of order; the table is then unchanged
     */
    public void restoreSession(long place, byte[] record) {
        if (place < nextPlace) {
            throw new IllegalArgumentException("session record " + place + " restored after record " + (nextPlace - 1));
        }
        ByteBuffer in = ByteBuffer.wrap(record);
        Session s;
        try {
            s = readSession(in);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed session record " + place + " of " + record.length + " bytes: " + e, e);
        }
        if (in.hasRemaining() || sessions.containsKey(s.clientId)) {
            throw new IllegalArgumentException("session record " + place + (in.hasRemaining()
                    ? " has " + in.remaining() + " bytes after its end" : " repeats client " + s.clientId));
        }
        s.place = place;
        nextPlace = place + 1;
        sessions.put(s.clientId, s);
    }

    /** The table as bytes, for {@link #load}. */
    public byte[] toBytes() {
        ByteArrayWriter out = new ByteArrayWriter();
        writeTo(out);
        return out.toByteArray();
    }

    /**
     * Replaces this table's content with what {@link #toBytes} produced.
     *
     * @throws IllegalArgumentException if {@code bytes} is not such a table; the content is then unchanged
     */
    public void load(byte[] bytes) {
        load(bytes, Long.MIN_VALUE);
    }

    /**
     * As {@link #load}, counting every session active at {@code activeAtLeastMillis} at the latest:
     * for a table that comes from another group, whose replicated clock is not this one's, so that
     * no session expires here sooner than a full timeout after it arrived.
     */
    public void load(byte[] bytes, long activeAtLeastMillis) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Session> read;
        try {
            read = parse(in);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed session table of " + bytes.length + " bytes: " + e, e);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("malformed session table: " + in.remaining() + " bytes after its end");
        }
        replaceWith(read);
        for (Session s : sessions.values()) {
            s.lastActiveMillis = Math.max(s.lastActiveMillis, activeAtLeastMillis);
        }
    }

    /** Serialized in activity order, so a restored table expires in the same order. */
    void writeTo(ByteArrayWriter out) {
        out.putInt(sessions.size());
        for (Session s : sessions.values()) {
            writeSession(out, s);
        }
    }

    private static void writeSession(ByteArrayWriter out, Session s) {
        out.putLong(s.clientId).putLong(s.lastActiveMillis).putLong(s.lowestUnacked).putInt(s.replies.size());
        for (Map.Entry<Long, byte[]> r : s.replies.entrySet()) {
            out.putLong(r.getKey()).putBytes(r.getValue());
        }
    }

    private static Session readSession(ByteBuffer in) {
        Session s = new Session(in.getLong());
        s.lastActiveMillis = in.getLong();
        s.lowestUnacked = in.getLong();
        int replies = in.getInt();
        if (replies < 0) {
            throw new IllegalStateException("negative reply count " + replies);
        }
        for (int r = 0; r < replies; r++) {
            long seq = in.getLong();
            s.replies.put(seq, ByteArrayWriter.getBytes(in));
        }
        return s;
    }

    /** Replaces this table's content; if {@code in} ends too soon or is malformed, throws and leaves it unchanged. */
    void readFrom(ByteBuffer in) {
        replaceWith(parse(in));
    }

    private static List<Session> parse(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0) {
            throw new IllegalStateException("negative session count " + count);
        }
        List<Session> read = new ArrayList<>(Math.min(count, 1 << 16));
        Set<Long> clients = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Session s = readSession(in);
            if (!clients.add(s.clientId)) {
                throw new IllegalStateException("client " + Long.toUnsignedString(s.clientId) + " has two sessions");
            }
            read.add(s);
        }
        return read;
    }

    private void replaceWith(List<Session> read) {
        if (changed != null) {
            for (Session s : sessions.values()) {
                removed.add(s.place);
            }
            changed.clear();
        }
        sessions.clear();
        for (Session s : read) {
            sessions.put(s.clientId, s);
            moved(s);
        }
    }
}
