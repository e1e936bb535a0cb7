package io.shardkv.bench;

import io.shardkv.cli.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a measured run lasts and how it reports. */
final class RunOptions {

    @Option(names = "--duration", defaultValue = "15s", paramLabel = "DURATION",
            description = "Length of the measured window. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", paramLabel = "DURATION",
            description = "Load before the measured window, not counted. Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--op-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "An operation without an answer after this counts as an error. Default: ${DEFAULT-VALUE}.")
    String opTimeout;

    @Option(names = "--progress", defaultValue = "5s", paramLabel = "DURATION",
            description = "Interval between progress lines (on stderr). Default: ${DEFAULT-VALUE}.")
    String progress;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the key and operation draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    Duration duration() {
        return Durations.parse(duration, "--duration");
    }

    Duration warmup() {
        return warmup.trim().equals("0") ? Duration.ZERO : Durations.parse(warmup, "--warmup");
    }

    Duration opTimeout() {
        return Durations.parse(opTimeout, "--op-timeout");
    }

    Duration progress() {
        return Durations.parse(progress, "--progress");
    }
}
