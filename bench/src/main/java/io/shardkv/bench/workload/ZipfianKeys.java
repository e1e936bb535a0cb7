package io.shardkv.bench.workload;

import java.util.SplittableRandom;

/**
 * Zipf-distributed key numbers by the rejection-free method of Gray et al., "Quickly Generating
 * Billion-Record Synthetic Databases" (SIGMOD 1994), as YCSB draws them; ranks are then scrambled
 * by a hash so the hot keys are spread over the key space (and so over shards), as YCSB's
 * scrambled zipfian does.
 */
final class ZipfianKeys implements KeyChooser {

    /** YCSB's default skew. */
    static final double YCSB_CONSTANT = 0.99;

    private final long items;
    private final double theta;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final double half;

    ZipfianKeys(long items, double theta) {
        this.items = items;
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zetaN = zeta(items, theta);
        double zeta2 = zeta(Math.min(2, items), theta);
        this.eta = items < 2 ? 0 : (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
        this.half = Math.pow(0.5, theta);
    }

    private static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /** The rank of the next draw: 0 is the most frequent. */
    long rank(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < 1.0 + half) {
            return Math.min(1, items - 1);
        }
        return Math.min(items - 1, (long) (items * Math.pow(eta * u - eta + 1, alpha)));
    }

    @Override
    public long next(SplittableRandom random) {
        return Math.floorMod(fnv1a(rank(random)), items);
    }

    /** 64-bit FNV-1a of the eight bytes of {@code value}. */
    static long fnv1a(long value) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < 8; i++) {
            hash ^= (value >>> (8 * i)) & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
