package io.shardkv.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The glob of KEYS and SCAN MATCH, on the cases Redis's own matcher answers (util.c, stringmatchlen). */
class GlobPatternTest {

    private static boolean matches(String pattern, String key) {
        return new GlobPattern(pattern.getBytes(StandardCharsets.UTF_8)).matches(key.getBytes(StandardCharsets.UTF_8));
    }

    private static void check(boolean expected, String pattern, String... keys) {
        for (String key : keys) {
            assertEquals(expected, matches(pattern, key), "'" + pattern + "' against '" + key + "'");
        }
    }

    @Test
    void starsAndQuestionMarks() {
        check(true, "*", "", "a", "anything at all");
        check(true, "h?llo", "hello", "hallo", "hxllo");
        check(false, "h?llo", "hllo", "heello");
        check(true, "h*llo", "hllo", "heeeello");
        check(true, "user:*:cart", "user:42:cart", "user::cart", "user:a:b:cart");
        check(false, "user:*:cart", "user:42:carts", "user42:cart");
        check(true, "**a**", "a", "bab");
        check(true, "a*b*c", "abc", "aXbYc", "abbbc", "acbc");
        check(false, "a*b*c", "ab", "acb", "abcd");
        check(true, "", "");
        check(false, "", "a");
    }

    @Test
    void sets() {
        check(true, "h[ae]llo", "hello", "hallo");
        check(false, "h[ae]llo", "hillo", "hllo");
        check(true, "h[^e]llo", "hallo", "hbllo");
        check(false, "h[^e]llo", "hello");
        check(true, "h[a-b]llo", "hallo", "hbllo");
        check(false, "h[a-b]llo", "hcllo");
        check(true, "[z-a]", "m", "a", "z");
        check(true, "[\\]]", "]");
        check(true, "key[0-9]", "key7");
        check(false, "key[0-9]", "keyx", "key10");
        // An unclosed set runs to the pattern's end.
        check(true, "a[bc", "ab", "ac");
        check(false, "a[bc", "ad");
    }

    @Test
    void escapes() {
        check(true, "h\\*llo", "h*llo");
        check(false, "h\\*llo", "hello");
        check(true, "\\?", "?");
        check(false, "\\?", "a");
        check(true, "a\\", "a\\");
    }

    @Test
    void bytesAreMatchedAsTheyAre() {
        byte[] key = {'k', (byte) 0xff, 0, 'z'};
        assertEquals(true, new GlobPattern(new byte[] {'k', '?', '?', 'z'}).matches(key));
        assertEquals(true, new GlobPattern(new byte[] {'k', '[', (byte) 0x80, '-', (byte) 0xff, ']', '*'}).matches(key));
    }

    @Test
    void manyStarsStayLinearInTheKey() {
        String pattern = "a*".repeat(50) + "b";
        String key = "a".repeat(100_000);
        // With backtracking over every star this would not end; with one backtrack point it is 5M steps.
        assertEquals(false, matches(pattern, key));
        assertEquals(true, matches(pattern, key + "b"));
    }
}
