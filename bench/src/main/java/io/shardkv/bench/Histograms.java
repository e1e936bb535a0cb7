package io.shardkv.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/** Latency distributions written for plotting. */
final class Histograms {

    private Histograms() {
    }

    /** HdrHistogram's percentile distribution text of {@code h} (nanoseconds), values in milliseconds. */
    static void write(Path file, Histogram h) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
            h.outputPercentileDistribution(out, 1e6);
        }
    }
}
