package io.shardkv.bench.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/** Draws key numbers in {@code [0, keys)}; one instance is shared by every client thread. */
public interface KeyChooser {

    /** The next key number. */
    long next(SplittableRandom random);

    /** {@code uniform} or {@code zipfian} (YCSB's scrambled zipfian, constant 0.99) over {@code keys} keys. */
    static KeyChooser of(String distribution, long keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
        }
        return switch (distribution.toLowerCase(Locale.ROOT)) {
            case "uniform" -> random -> random.nextLong(keys);
            case "zipfian" -> new ZipfianKeys(keys, ZipfianKeys.YCSB_CONSTANT);
            default -> throw new IllegalArgumentException("--distribution wants uniform or zipfian, got \"" + distribution + "\"");
        };
    }
}
