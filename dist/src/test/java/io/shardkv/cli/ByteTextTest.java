package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any bytes are typed and printed without loss; text stays text. */
class ByteTextTest {

    @Test
    void everyByteStringReadsBackAsPrinted() {
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            random.nextBytes(bytes);
            assertArrayEquals(bytes, ByteText.parse(ByteText.format(bytes, false), false, "key"));
            assertArrayEquals(bytes, ByteText.parse(ByteText.format(bytes, true), true, "key"));
        }
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        assertArrayEquals(all, ByteText.parse(ByteText.format(all, false), false, "key"));
    }

    @Test
    void distinctInvalidUtf8BytesStayDistinct() {
        assertArrayEquals(new byte[] {(byte) 0xff}, ByteText.parse("\\xff", false, "key"));
        assertArrayEquals(new byte[] {(byte) 0xfe}, ByteText.parse("\\xFE", false, "key"));
        assertEquals("\\xff", ByteText.format(new byte[] {(byte) 0xff}, false));
        assertEquals("a\\x00b\\\\", ByteText.format(new byte[] {'a', 0, 'b', '\\'}, false));
    }

    @Test
    void textStaysReadable() {
        assertEquals("grüße, 東京", ByteText.format("grüße, 東京".getBytes(StandardCharsets.UTF_8), false));
        assertArrayEquals("grüße".getBytes(StandardCharsets.UTF_8), ByteText.parse("grüße", false, "value"));
        assertEquals("C:\\\\tmp", ByteText.format("C:\\tmp".getBytes(StandardCharsets.UTF_8), false));
        assertArrayEquals("C:\\tmp".getBytes(StandardCharsets.UTF_8), ByteText.parse("C:\\\\tmp", false, "value"));
    }

    @Test
    void badEscapesAndHexAreRefusedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ByteText.parse("C:\\tmp", false, "value"));
        assertTrue(e.getMessage().contains("a backslash starts \\xNN (a byte in hex) or \\\\ (a backslash), at position 2"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteText.parse("\\xf", false, "key"));
        assertThrows(IllegalArgumentException.class, () -> ByteText.parse("\\xzz", false, "key"));
        IllegalArgumentException hex = assertThrows(IllegalArgumentException.class, () -> ByteText.parse("abc", true, "key"));
        assertTrue(hex.getMessage().startsWith("key \"abc\" is not hex"), hex.getMessage());
    }
}
