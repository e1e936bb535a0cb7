package io.shardkv.bench;

import io.shardkv.bench.report.Result;
import io.shardkv.bench.store.Target;
import io.shardkv.bench.store.TargetOptions;
import io.shardkv.bench.workload.WorkloadOptions;
import io.shardkv.cli.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench run}: one measured run against one system. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One measured run: warm-up, then the window; prints ops/s and latency percentiles.",
            "Progress lines go to stderr every --progress; the result to stdout (JSON with --json)."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Mixin
    WorkloadOptions workload;

    @Mixin
    RunOptions run;

    @Option(names = "--clients", defaultValue = "16", paramLabel = "N",
            description = "Concurrent clients (closed loop), or the most operations outstanding (open loop). Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--rate", paramLabel = "OPS_PER_S",
            description = "Open loop: start this many operations per second whatever the latency. Default: closed loop.")
    Double rate;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--histogram", paramLabel = "FILE",
            description = "Also write the latency distribution (HdrHistogram percentile text, milliseconds) to FILE.")
    Path histogram;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        workload.mix();
        workload.keyChooser();
        PrintStream err = System.err;
        try (Target t = target.open()) {
            err.printf("bench: %s, %s, %d clients%s, %s warm-up + %s%n", t.describe(), workload.describe(), clients,
                    rate == null ? " (closed loop)" : ", open loop at " + rate + " ops/s", run.warmup, run.duration);
            Result r = Runs.run(t, target.systemName(), workload, clients, rate, run, err);
            spec.commandLine().getOut().print(json ? Json.write(r.toMap()) + System.lineSeparator() : r.toText());
            spec.commandLine().getOut().flush();
            if (histogram != null) {
                Histograms.write(histogram, r.all());
            }
            return r.ops() == 0 ? 1 : 0;
        }
    }
}
