package io.shardkv.group.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardkv.kv.Key;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every engine's {@link ShardData} must do, whatever keeps the bytes: the state machine, its
 * snapshots and the migration rely on exactly these answers, so every engine runs this suite.
 */
abstract class ShardDataContract {

    /** The engine under test, new for each test. */
    protected abstract GroupEngine engine();

    /** Empty data of one shard, from the engine under test. */
    private ShardData newData() {
        return engine().newShard(0);
    }

    private static Key k(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new Key(b);
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The keys of a scan from {@code after}, taking at most {@code limit}, as hex. */
    private static List<String> keys(ShardView data, Key after, int limit) {
        List<String> out = new ArrayList<>();
        data.scan(after, (key, value) -> {
            out.add(HexFormat.of().formatHex(key.bytes()));
            return out.size() < limit;
        });
        return out;
    }

    @Test
    void putGetAndRemoveAnswerWhatWasThere() {
        ShardData d = newData();
        assertNull(d.get(k(1)));
        assertNull(d.put(k(1), v("a")));
        assertArrayEquals(v("a"), d.put(k(1), v("b")), "put answers the value it replaced");
        assertArrayEquals(v("b"), d.get(k(1)));
        assertNull(d.remove(k(2)), "nothing to remove");
        assertEquals(1, d.size());
        assertArrayEquals(v("b"), d.remove(k(1)));
        assertNull(d.get(k(1)));
        assertEquals(0, d.size());
        assertNull(d.put(k(), v("")), "the empty key and the empty value are keys and values like others");
        assertArrayEquals(v(""), d.get(k()));
    }

    @Test
    void scansGoInUnsignedByteOrderAfterTheGivenKey() {
        ShardData d = newData();
        for (Key key : List.of(k(0xff), k(0x80), k(0x01), k(0xff, 0x00), k(), k(0x7f))) {
            d.put(key, v("x"));
        }
        assertEquals(List.of("", "01", "7f", "80", "ff", "ff00"), keys(d, null, 100));
        assertEquals(List.of("80", "ff", "ff00"), keys(d, k(0x7f), 100), "after is exclusive");
        assertEquals(List.of("80", "ff"), keys(d, k(0x7f, 0x00), 2), "after need not be held; the visitor stops it");
        assertEquals(List.of(), keys(d, k(0xff, 0x00), 100));
        assertEquals(6, d.size());
    }

    @Test
    void aCaptureKeepsItsInstantWhileTheDataChangesOn() {
        ShardData d = newData();
        d.put(k(1), v("one"));
        d.put(k(2), v("two"));
        ShardView before = d.capture();
        d.put(k(3), v("three"));
        d.put(k(2), v("TWO"));
        d.remove(k(1));
        assertEquals(List.of("01", "02"), keys(before, null, 100));
        assertEquals(2, before.size());
        List<byte[]> values = new ArrayList<>();
        before.scan(null, (key, value) -> values.add(value));
        assertArrayEquals(v("two"), values.get(1), "the captured value, not the one written since");
        assertEquals(List.of("02", "03"), keys(d, null, 100));
        ShardView after = d.capture();
        d.remove(k(3));
        assertEquals(List.of("02", "03"), keys(after, null, 100));
        assertEquals(List.of("01", "02"), keys(before, null, 100), "an older capture is unchanged too");
    }

    @Test
    void shardsAreSeparateAndADroppedShardComesBackEmpty() {
        ShardData one = engine().newShard(1);
        ShardData two = engine().newShard(2);
        one.put(k(5), v("one"));
        two.put(k(5), v("two"));
        two.put(k(6), v("two"));
        assertEquals(List.of("05"), keys(one, null, 100));
        assertEquals(List.of("05", "06"), keys(two, null, 100));
        assertArrayEquals(v("one"), one.get(k(5)));
        one.drop();
        ShardData again = engine().newShard(1);
        assertNull(again.get(k(5)), "a shard made anew holds nothing of the dropped one");
        assertEquals(0, again.size());
        assertEquals(List.of(), keys(again, null, 100));
        assertEquals(List.of("05", "06"), keys(two, null, 100), "the other shard is untouched");
        assertEquals(2, two.size());
    }

    @Test
    void aCaptureReadsOnAfterItsShardIsDroppedAndMadeAnew() {
        ShardData d = engine().newShard(3);
        d.put(k(1), v("old"));
        ShardView captured = d.capture();
        d.drop();
        engine().newShard(3).put(k(2), v("new"));
        List<byte[]> values = new ArrayList<>();
        captured.scan(null, (key, value) -> values.add(value));
        assertEquals(1, values.size());
        assertArrayEquals(v("old"), values.get(0));
        captured.release();
    }

    @Test
    void aCaptureIsReadOnAnotherThreadWhileTheNodeWrites() throws Exception {
        ShardData d = newData();
        for (int i = 0; i < 5_000; i++) {
            d.put(k(i >> 8, i & 0xff), v("v" + i));
        }
        ShardView view = d.capture();
        CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
            long[] n = {0};
            view.scan(null, (key, value) -> {
                n[0] += value.length;
                return true;
            });
            return n[0];
        });
        for (int i = 0; i < 5_000; i++) {
            d.put(k(i >> 8, i & 0xff), v("changed"));
            d.remove(k(i >> 8, i & 0xff));
        }
        long expected = 0;
        for (int i = 0; i < 5_000; i++) {
            expected += ("v" + i).length();
        }
        assertEquals(expected, read.get(60, TimeUnit.SECONDS));
        assertEquals(0, d.size());
        assertEquals(5_000, view.size());
    }
}
