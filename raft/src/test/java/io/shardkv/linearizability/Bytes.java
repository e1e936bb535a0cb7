package io.shardkv.linearizability;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable byte string with value equality: the keys and values of the key/value model.
 * Ordering is unsigned lexicographic, so keys sort the way byte-oriented stores sort them.
 * {@link #toString()} shows valid, printable UTF-8 as a quoted string and anything else as hex,
 * shortened in the middle when long, so counter-examples stay readable.
 */
public final class Bytes implements Comparable<Bytes> {

    /** Values longer than this many characters are shown as their head and tail only. */
    private static final int SHOWN_CHARS = 48;
    private static final int SHOWN_END_CHARS = 20;

    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}; later changes to the array do not affect the result. */
    public static Bytes of(byte[] bytes) {
        return new Bytes(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes of(String text) {
        return new Bytes(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /** Takes ownership of {@code bytes} without copying; the caller must not change them afterwards. */
    static Bytes wrap(byte[] bytes) {
        return new Bytes(bytes);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The number of bytes. */
    public int length() {
        return bytes.length;
    }

    /** These bytes followed by {@code other}'s. */
    public Bytes concat(Bytes other) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, out, bytes.length, other.bytes.length);
        return new Bytes(out);
    }

    /** The bytes themselves, for package code that promises not to change them. */
    byte[] array() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        String text = printableText(bytes);
        if (text != null) {
            return '"' + shorten(text.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
        }
        return "0x" + shorten(HexFormat.of().formatHex(bytes));
    }

    private static String shorten(String s) {
        if (s.length() <= SHOWN_CHARS) {
            return s;
        }
        return s.substring(0, SHOWN_END_CHARS) + "..." + s.substring(s.length() - SHOWN_END_CHARS)
                + " (" + s.length() + " chars)";
    }

    /** The text {@code bytes} encode, or null if they are not valid UTF-8 or hold control characters. */
    private static String printableText(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return text.chars().anyMatch(Character::isISOControl) ? null : text;
    }
}
