package io.shardkv.bench.workload;

import java.nio.charset.StandardCharsets;

/** The keys a workload uses: key number n is n in decimal, zero-padded to at least eight digits. */
public record KeySpace(long keys) {

    public KeySpace {
        if (keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
        }
    }

    /** The key with number {@code n}. */
    public byte[] key(long n) {
        int width = Math.max(8, Long.toString(keys - 1).length());
        String digits = Long.toString(n);
        StringBuilder b = new StringBuilder(width);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits).toString().getBytes(StandardCharsets.US_ASCII);
    }
}
