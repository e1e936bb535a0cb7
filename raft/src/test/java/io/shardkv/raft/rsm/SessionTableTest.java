package io.shardkv.raft.rsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
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
