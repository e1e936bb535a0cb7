package io.shardkv.rpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Text that crosses the wire: bounded in bytes when sent, made safe for one log line when received. */
final class Text {

    private Text() {
    }

    /** {@code text} as UTF-8, cut to at most {@code maxBytes} (a cut character decodes as U+FFFD). */
    static byte[] utf8(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? bytes : Arrays.copyOf(bytes, maxBytes);
    }

    /** {@code text} with control characters replaced, so that a peer cannot forge log lines. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
