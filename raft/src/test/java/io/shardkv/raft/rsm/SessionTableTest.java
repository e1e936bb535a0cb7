package io.shardkv.raft.rsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A session table moved as bytes (snapshots, shard migration): round trips, refusals, and clock rebasing. */
class SessionTableTest {

    private static SessionTable table() {
        return new SessionTable(16, SessionTable.NewClients.ANY);
    }

    private static SessionTable withOneReply(long nowMillis) {
        SessionTable t = table();
        SessionTable.Fresh f = assertInstanceOf(SessionTable.Fresh.class, t.admit(7, 1, 1, nowMillis));
        f.session().record(1, new byte[] {42});
        return t;
    }

    @Test
    void aLoadedTableAnswersRetriesLikeTheOriginal() {
        SessionTable copy = table();
        copy.load(withOneReply(1_000).toBytes());
        SessionTable.Duplicate d = assertInstanceOf(SessionTable.Duplicate.class, copy.admit(7, 1, 1, 1_000));
        assertArrayEquals(new byte[] {42}, d.reply());
    }

    @Test
    void malformedBytesAreRefusedAndLeaveTheTableAsItWas() {
        SessionTable t = withOneReply(1_000);
        byte[] good = t.toBytes();
        byte[][] bad = {new byte[0], Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 3),
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}};
        for (byte[] b : bad) {
            assertThrows(IllegalArgumentException.class, () -> t.load(b), Arrays.toString(b));
            assertEquals(1, t.size(), "a refused load must not clear the table");
        }
    }

    /**
     * A tracked table's changes, kept as records by place, rebuild it exactly — same sessions,
     * replies and activity order, so the same bytes — through admissions, retries, recorded
     * replies, expiry and a whole load, drained at random points.
     */
    @Test
    void aTrackedTablesRecordsRebuildItExactly() {
        SessionTable t = table();
        t.trackChanges();
        TreeMap<Long, byte[]> records = new TreeMap<>();
        SessionTable.ChangeSink sink = new SessionTable.ChangeSink() {
            @Override
            public void put(long place, byte[] session) {
                records.put(place, session);
            }

            @Override
            public void delete(long place) {
                records.remove(place);
            }
        };
        Random random = new Random(5);
        long now = 0;
        long[] seqs = new long[30];
        for (int step = 0; step < 3_000; step++) {
            now += random.nextInt(5);
            int client = random.nextInt(seqs.length);
            long seq = seqs[client] + (random.nextInt(5) == 0 ? 0 : 1);
            seqs[client] = Math.max(seq, 1);
            if (t.admit(client, seqs[client], Math.max(1, seqs[client] - 2), now) instanceof SessionTable.Fresh f) {
                f.session().record(seqs[client], new byte[] {(byte) step});
            }
            t.expire(now, 200);
            if (step == 1_500) {
                t.load(t.toBytes(), now);
            }
            if (random.nextInt(4) == 0) {
                t.drainChanges(sink);
                SessionTable rebuilt = table();
                records.forEach(rebuilt::restoreSession);
                assertArrayEquals(t.toBytes(), rebuilt.toBytes(), "rebuilt at step " + step);
            }
        }
        assertTrue(records.size() < seqs.length + 1, "gone and moved sessions leave no records: " + records.size());
    }

    @Test
    void restoredRecordsMustBeInOrderAndWellFormed() {
        SessionTable t = table();
        t.restoreSession(5, sessionRecord());
        assertThrows(IllegalArgumentException.class, () -> t.restoreSession(4, sessionRecord()), "out of order");
        assertThrows(IllegalArgumentException.class, () -> t.restoreSession(6, sessionRecord()), "the same client");
        assertThrows(IllegalArgumentException.class, () -> t.restoreSession(7, new byte[3]), "cut short");
        assertEquals(1, t.size());
        assertThrows(IllegalStateException.class, t::trackChanges, "tracked from empty only");
    }

    /** The record of client 7's session with one reply. */
    private static byte[] sessionRecord() {
        SessionTable t = withOneReply(1_000);
        SessionTable tracked = table();
        tracked.trackChanges();
        tracked.load(t.toBytes());
        byte[][] record = new byte[1][];
        tracked.drainChanges(new SessionTable.ChangeSink() {
            @Override
            public void put(long place, byte[] session) {
                record[0] = session;
            }

            @Override
            public void delete(long place) {
            }
        });
        return record[0];
    }

    @Test
    void aTableFromAnotherClockIsNotExpiredBeforeAFullTimeoutHere() {
        SessionTable moved = table();
        moved.load(withOneReply(1_000).toBytes(), 500_000);
        moved.expire(500_000 + 60_000, 60_000);
        assertEquals(1, moved.size(), "active at arrival: it must live a full timeout from then");
        moved.expire(500_000 + 60_001, 60_000);
        assertEquals(0, moved.size());
    }
}
