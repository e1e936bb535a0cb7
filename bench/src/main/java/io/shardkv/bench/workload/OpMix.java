package io.shardkv.bench.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/** The share of each operation in a workload; the shares sum to one. */
public record OpMix(double read, double write, double cas) {

    public OpMix {
        if (read < 0 || write < 0 || cas < 0 || Math.abs(read + write + cas - 1.0) > 1e-9) {
            throw new IllegalArgumentException("operation shares must be non-negative and sum to 100%, got read "
                    + read + ", write " + write + ", cas " + cas);
        }
    }

    /**
     * A preset by name: {@code write}, {@code read}, {@code ycsb-a} (50% reads, 50% updates),
     * {@code ycsb-b} (95/5), {@code ycsb-c} (reads only); or an explicit mix such as
     * {@code read=90,write=5,cas=5} (percentages).
     */
    public static OpMix parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "write" -> new OpMix(0, 1, 0);
            case "read", "ycsb-c" -> new OpMix(1, 0, 0);
            case "ycsb-a" -> new OpMix(0.5, 0.5, 0);
            case "ycsb-b" -> new OpMix(0.95, 0.05, 0);
            default -> parseShares(text);
        };
    }

    private static OpMix parseShares(String text) {
        double read = 0;
        double write = 0;
        double cas = 0;
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw unknown(text);
            }
            double pct;
            try {
                pct = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw unknown(text);
            }
            switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                case "read" -> read = pct / 100;
                case "write" -> write = pct / 100;
                case "cas" -> cas = pct / 100;
                default -> throw unknown(text);
            }
        }
        return new OpMix(read, write, cas);
    }

    private static IllegalArgumentException unknown(String text) {
        return new IllegalArgumentException("--workload wants write, read, ycsb-a, ycsb-b, ycsb-c or shares such as "
                + "read=90,write=5,cas=5; got \"" + text + "\"");
    }

    /** The next operation, drawn with these shares. */
    public OpKind next(SplittableRandom random) {
        double u = random.nextDouble();
        if (u < read) {
            return OpKind.READ;
        }
        return u < read + write || cas == 0 ? OpKind.WRITE : OpKind.CAS;
    }

    /** Whether any operation reads existing values (so the keys should be loaded first). */
    public boolean reads() {
        return read > 0 || cas > 0;
    }
}
