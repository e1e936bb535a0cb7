package io.shardkv.bench.load;

import io.shardkv.bench.workload.KeyChooser;
import io.shardkv.bench.workload.KeySpace;
import io.shardkv.bench.workload.OpKind;
import io.shardkv.bench.workload.OpMix;
import java.util.SplittableRandom;

/**
 * Draws operations: kind by the mix, key by the distribution, value from a small pool of random
 * values (so generating load costs little). A compare-and-set expects one of the pool's values,
 * so it succeeds sometimes and fails sometimes, as a real read-modify-write would under contention.
 */
public final class OperationSource {

    private static final int VALUE_POOL = 16;

    private final OpMix mix;
    private final KeyChooser keys;
    private final KeySpace keySpace;
    private final byte[][] values;

    public OperationSource(OpMix mix, KeyChooser keys, KeySpace keySpace, java.util.function.Function<SplittableRandom, byte[]> values,
            long seed) {
        this.mix = mix;
        this.keys = keys;
        this.keySpace = keySpace;
        SplittableRandom r = new SplittableRandom(seed);
        this.values = new byte[VALUE_POOL][];
        for (int i = 0; i < VALUE_POOL; i++) {
            this.values[i] = values.apply(r);
        }
    }

    /** The next operation, drawn with {@code random} (one per client thread). */
    public Operation next(SplittableRandom random) {
        OpKind kind = mix.next(random);
        byte[] key = keySpace.key(keys.next(random));
        return switch (kind) {
            case READ -> new Operation(kind, key, null, null);
            case WRITE -> new Operation(kind, key, value(random), null);
            case CAS -> new Operation(kind, key, value(random), value(random));
        };
    }

    /** A write of key number {@code n} (loading the key space). */
    public Operation load(long n, SplittableRandom random) {
        return new Operation(OpKind.WRITE, keySpace.key(n), value(random), null);
    }

    private byte[] value(SplittableRandom random) {
        return values[random.nextInt(VALUE_POOL)];
    }
}
