package io.shardkv.redis;

/**
 * A glob as KEYS and SCAN ... MATCH take it, matched byte by byte as Redis does: {@code *} any
 * run, {@code ?} any one byte, {@code [abc]}, {@code [^abc]} and {@code [a-z]} a set of bytes,
 * {@code \} makes the next byte literal. An unclosed {@code [} takes the set to the pattern's end.
 * Matching keeps one backtrack point (the last {@code *}), so it costs at most
 * pattern length × key length steps whatever the pattern.
 */
final class GlobPattern {

    private final byte[] pattern;

    GlobPattern(byte[] pattern) {
        this.pattern = pattern.clone();
    }

    /** Whether the pattern is {@code *}: every key matches. */
    boolean matchesAll() {
        return pattern.length == 1 && pattern[0] == '*';
    }

    boolean matches(byte[] key) {
        int p = 0;
        int k = 0;
        int starP = -1;
        int starK = -1;
        while (k < key.length) {
            if (p < pattern.length && pattern[p] == '*') {
                while (p < pattern.length && pattern[p] == '*') {
                    p++;
                }
                if (p == pattern.length) {
                    return true;
                }
                starP = p;
                starK = k;
                continue;
            }
            int next = p < pattern.length ? matchOne(p, key[k]) : -1;
            if (next >= 0) {
                p = next;
                k++;
            } else if (starP >= 0) {
                p = starP;
                k = ++starK;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** Where the pattern goes on if its element at {@code p} (not a star) matches {@code b}; -1 if not. */
    private int matchOne(int p, byte b) {
        byte c = pattern[p];
        if (c == '?') {
            return p + 1;
        }
        if (c == '[') {
            return matchSet(p + 1, b);
        }
        if (c == '\\' && p + 1 < pattern.length) {
            return pattern[p + 1] == b ? p + 2 : -1;
        }
        return c == b ? p + 1 : -1;
    }

    private int matchSet(int p, byte b) {
        boolean negated = p < pattern.length && pattern[p] == '^';
        if (negated) {
            p++;
        }
        boolean found = false;
        int ub = b & 0xff;
        while (p < pattern.length && pattern[p] != ']') {
            if (pattern[p] == '\\' && p + 1 < pattern.length) {
                found |= pattern[p + 1] == b;
                p += 2;
            } else if (p + 2 < pattern.length && pattern[p + 1] == '-') {
                int from = pattern[p] & 0xff;
                int to = pattern[p + 2] & 0xff;
                found |= ub >= Math.min(from, to) && ub <= Math.max(from, to);
                p += 3;
            } else {
                found |= pattern[p] == b;
                p++;
            }
        }
        int after = p < pattern.length ? p + 1 : p;
        return found != negated ? after : -1;
    }
}
