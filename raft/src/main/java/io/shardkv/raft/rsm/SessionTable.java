package io.shardkv.raft.rsm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** One client's replies to commands it has not yet acknowledged. */
    public static final class Session {
        final long clientId;
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
        }
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
        try {
            readFrom(in);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed session table of " + bytes.length + " bytes: " + e, e);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("malformed session table: " + in.remaining() + " bytes after its end");
        }
        for (Session s : sessions.values()) {
            s.lastActiveMillis = Math.max(s.lastActiveMillis, activeAtLeastMillis);
        }
    }

    /** Serialized in activity order, so a restored table expires in the same order. */
    void writeTo(ByteArrayWriter out) {
        out.putInt(sessions.size());
        for (Session s : sessions.values()) {
            out.putLong(s.clientId).putLong(s.lastActiveMillis).putLong(s.lowestUnacked).putInt(s.replies.size());
            for (Map.Entry<Long, byte[]> r : s.replies.entrySet()) {
                out.putLong(r.getKey()).putBytes(r.getValue());
            }
        }
    }

    /** Replaces this table's content; if {@code in} ends too soon or is malformed, throws and leaves it unchanged. */
    void readFrom(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0) {
            throw new IllegalStateException("negative session count " + count);
        }
        List<Session> read = new ArrayList<>(Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
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
            read.add(s);
        }
        sessions.clear();
        read.forEach(s -> sessions.put(s.clientId, s));
    }
}
