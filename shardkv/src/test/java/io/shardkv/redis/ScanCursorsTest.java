package io.shardkv.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScanCursorsTest {

    @Test
    void aCursorLeadsBackToItsPositionUntilNewerOnesPushItOut() {
        ScanCursors cursors = new ScanCursors(new Random(7));
        KeyPage.Position first = new KeyPage.Position(3, new byte[] {1});
        long id = cursors.save(first);
        assertTrue(id > 0, "never 0, SCAN's end, nor negative: " + id);
        assertSame(first, cursors.find(id));
        for (int i = 1; i < ScanCursors.CAPACITY; i++) {
            cursors.save(new KeyPage.Position(i, null));
        }
        assertSame(first, cursors.find(id), "still among the newest " + ScanCursors.CAPACITY);
        cursors.save(KeyPage.Position.START);
        assertNull(cursors.find(id), "pushed out: refused, not restarted");
    }

    @Test
    void cursorsNeverHandedOutAreRefused() {
        ScanCursors cursors = new ScanCursors(new Random(7));
        long id = cursors.save(KeyPage.Position.START);
        assertNull(cursors.find(id + 1));
        assertNull(cursors.find(id + ScanCursors.CAPACITY));
        assertNull(cursors.find(0));
        assertNull(cursors.find(-1));
    }

    @Test
    void anotherProcessHandsOutOtherCursors() {
        long a = new ScanCursors(new Random(1)).save(KeyPage.Position.START);
        long b = new ScanCursors(new Random(2)).save(KeyPage.Position.START);
        assertNotEquals(a, b);
        assertEquals(null, new ScanCursors(new Random(2)).find(a));
    }
}
