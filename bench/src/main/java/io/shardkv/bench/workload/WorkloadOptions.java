package io.shardkv.bench.workload;

import io.shardkv.cli.ByteSize;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/** What the load consists of: operations, keys, their distribution and the value size. */
public final class WorkloadOptions {

    @Option(names = "--workload", defaultValue = "write", paramLabel = "MIX",
            description = "write, read, ycsb-a (50%% read, 50%% update), ycsb-b (95/5), ycsb-c (read only), "
                    + "or shares such as read=90,write=5,cas=5 (percent). Default: ${DEFAULT-VALUE}.")
    String workload;

    @Option(names = "--keys", defaultValue = "100000", paramLabel = "N",
            description = "Size of the key space. Default: ${DEFAULT-VALUE}.")
    long keys;

    @Option(names = "--distribution", defaultValue = "uniform", paramLabel = "DIST",
            description = "How keys are drawn: uniform or zipfian (YCSB's scrambled zipfian). Default: ${DEFAULT-VALUE}.")
    String distribution;

    @Option(names = "--value-size", defaultValue = "256", paramLabel = "SIZE",
            description = "Size of each written value (bytes, or 4k, 1m). Default: ${DEFAULT-VALUE}.")
    ByteSize valueSize;

    /** Options as if given on the command line (for runs a command composes itself). */
    public static WorkloadOptions of(String workload, long keys, String distribution, int valueSize) {
        WorkloadOptions w = new WorkloadOptions();
        w.workload = workload;
        w.keys = keys;
        w.distribution = distribution;
        w.valueSize = new ByteSize(valueSize);
        w.mix();
        w.keyChooser();
        return w;
    }

    /** The operation shares. */
    public OpMix mix() {
        return OpMix.parse(workload);
    }

    /** The key space. */
    public KeySpace keySpace() {
        return new KeySpace(keys);
    }

    /** The key distribution. */
    public KeyChooser keyChooser() {
        return KeyChooser.of(distribution, keys);
    }

    /** A value of {@code --value-size} random bytes. */
    public byte[] value(SplittableRandom random) {
        byte[] v = new byte[valueSize()];
        random.nextBytes(v);
        return v;
    }

    /** A short description for reports. */
    public String describe() {
        return workload + ", " + keys + " keys " + distribution + ", " + valueSize.bytes() + " B values";
    }

    public String workload() {
        return workload;
    }

    public long keys() {
        return keys;
    }

    public String distribution() {
        return distribution;
    }

    public int valueSize() {
        if (valueSize.bytes() < 1 || valueSize.bytes() > 64 << 20) {
            throw new IllegalArgumentException("--value-size must be between 1 byte and 64m, got " + valueSize.bytes()
                    + " bytes");
        }
        return (int) valueSize.bytes();
    }
}
