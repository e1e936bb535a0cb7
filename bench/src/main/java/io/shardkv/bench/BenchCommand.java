package io.shardkv.bench;

import picocli.CommandLine.Command;

/** {@code shardkv bench}: load generation and side-by-side comparison. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load generator for shardkv and etcd: closed or open loop, YCSB presets, HdrHistogram latencies.",
            "  bench load    write every key of a key space once",
            "  bench run     one measured run against one system",
            "  bench matrix  runs against two systems, alternating, with medians and ratios",
            "  bench micro   JMH micro-benchmarks of the codec and the log append path"},
        subcommands = {LoadCommand.class, RunCommand.class, MatrixCommand.class, MicroCommand.class})
public final class BenchCommand {
}
