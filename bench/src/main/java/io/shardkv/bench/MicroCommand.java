package io.shardkv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bench micro}: runs the JMH benchmarks in this jar; arguments are JMH's own (e.g. a name regex, -h). */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = {"JMH micro-benchmarks: CodecBench (put and 64-entry AppendEntries, encode and decode) and",
            "LogAppendBench (persisting a Ready of 1 or 64 entries, fsync NEVER and ALWAYS).",
            "Arguments go to JMH, e.g.: bench micro CodecBench   or   bench micro -- -h"})
final class MicroCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "JMH_ARG", description = "JMH options and benchmark name patterns.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        new Runner(new CommandLineOptions(args.toArray(String[]::new))).run();
        return 0;
    }
}
