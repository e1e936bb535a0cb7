package io.shardkv.raft.rsm;

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
 * <p>A command from an unknown client opens a session only if it says it has no unacknowledged
 * predecessors ({@code lowestUnacked == 1}); otherwise its session existed and expired, and
 * applying it could apply something twice.
 */
final class SessionTable {

    /** What to do with an incoming client command. */
    sealed interface Admission {
    }

    /** Not seen before: apply it, then {@link Session#record} the reply. */
    record Fresh(Session session) implements Admission {
    }

    /** Applied before: answer with the recorded reply. */
    record Duplicate(byte[] reply) implements Admission {
    }

    /** The client's session expired; the command may have been applied before and must not be again. */
    record Expired() implements Admission {
    }

    /** A retry of a command whose reply the client already acknowledged: nobody waits for it. */
    record Stale() implements Admission {
    }

    /** More unacknowledged commands than {@code maxUnacked}: the client must wait for replies. */
    record TooManyUnacked(int limit) implements Admission {
    }

    /** One client's replies to commands it has not yet acknowledged. */
    static final class Session {
        final long clientId;
        long lastActiveMillis;
        long lowestUnacked = 1;
        final TreeMap<Long, byte[]> replies = new TreeMap<>();

        Session(long clientId) {
            this.clientId = clientId;
        }

        void record(long seq, byte[] reply) {
            replies.put(seq, reply);
        }
    }

    private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();
    private final int maxUnacked;

    SessionTable(int maxUnacked) {
        this.maxUnacked = maxUnacked;
    }

    int size() {
        return sessions.size();
    }

    Admission admit(long clientId, long seq, long lowestUnacked, long nowMillis) {
        Session s = sessions.remove(clientId);
        if (s == null) {
            if (lowestUnacked != 1) {
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
    void expire(long nowMillis, long timeoutMillis) {
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext()) {
            Session s = it.next();
            if (nowMillis - s.lastActiveMillis <= timeoutMillis) {
                return;
            }
            it.remove();
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

    void readFrom(ByteBuffer in) {
        sessions.clear();
        int count = in.getInt();
        List<Session> read = new ArrayList<>(Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
            Session s = new Session(in.getLong());
            s.lastActiveMillis = in.getLong();
            s.lowestUnacked = in.getLong();
            int replies = in.getInt();
            for (int r = 0; r < replies; r++) {
                long seq = in.getLong();
                s.replies.put(seq, ByteArrayWriter.getBytes(in));
            }
            read.add(s);
        }
        read.forEach(s -> sessions.put(s.clientId, s));
    }
}
