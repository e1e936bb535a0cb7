package io.shardkv.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Keys and values as {@code cli} reads and prints them, so that any bytes can be typed and no byte
 * is ever replaced. Text is UTF-8, with two escapes: {@code \xNN} is the byte NN (hex) and
 * {@code \\} is a backslash; any other backslash is an error. Printed, bytes that are valid UTF-8
 * without control characters appear as text (backslashes doubled); otherwise every byte outside
 * printable ASCII appears as {@code \xNN}, so what is printed reads back as the same bytes.
 * {@code --hex} replaces all of this with plain hex in both directions.
 */
final class ByteText {

    private ByteText() {
    }

    /** The bytes {@code text} stands for: UTF-8 with escapes, or hex when {@code hex}. */
    static byte[] parse(String text, boolean hex, String what) {
        if (hex) {
            try {
                return HexFormat.of().parseHex(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " \"" + text + "\" is not hex (--hex): two hex digits per byte");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int bs = text.indexOf('\\', i);
            int end = bs < 0 ? text.length() : bs;
            out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (bs < 0) {
                break;
            }
            if (text.startsWith("\\\\", bs)) {
                out.write('\\');
                i = bs + 2;
            } else if (text.startsWith("\\x", bs) && bs + 4 <= text.length() && isHex(text.charAt(bs + 2))
                    && isHex(text.charAt(bs + 3))) {
                out.write(HexFormat.fromHexDigits(text, bs + 2, bs + 4));
                i = bs + 4;
            } else {
                throw new IllegalArgumentException(what + " \"" + text + "\": a backslash starts \\xNN (a byte in hex) or"
                        + " \\\\ (a backslash), at position " + bs);
            }
        }
        return out.toByteArray();
    }

    /** {@code bytes} as {@link #parse} reads them back. */
    static String format(byte[] bytes, boolean hex) {
        if (hex) {
            return HexFormat.of().formatHex(bytes);
        }
        String text = strictUtf8(bytes);
        if (text != null && text.codePoints().noneMatch(Character::isISOControl)) {
            return text.replace("\\", "\\\\");
        }
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            int v = x & 0xFF;
            if (v == '\\') {
                b.append("\\\\");
            } else if (v >= 0x20 && v < 0x7F) {
                b.append((char) v);
            } else {
                b.append("\\x").append(HexFormat.of().toHexDigits((byte) v));
            }
        }
        return b.toString();
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
