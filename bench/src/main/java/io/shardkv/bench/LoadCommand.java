package io.shardkv.bench;

import io.shardkv.bench.report.Result;
import io.shardkv.bench.store.Target;
import io.shardkv.bench.store.TargetOptions;
import io.shardkv.bench.workload.WorkloadOptions;
import io.shardkv.cli.Durations;
import io.shardkv.cli.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench load}: writes every key of a key space once, so reads find values. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write every key of the key space (--keys, --value-size) once, --clients writes outstanding.")
final class LoadCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Mixin
    WorkloadOptions workload;

    @Option(names = "--clients", defaultValue = "64", paramLabel = "N", description = "Writes outstanding. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--limit", defaultValue = "30m", paramLabel = "DURATION",
            description = "Give up (exit 1) if the load takes longer. Default: ${DEFAULT-VALUE}.")
    String limit;

    @Option(names = "--op-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "A write without an answer after this counts as an error. Default: ${DEFAULT-VALUE}.")
    String opTimeout;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Target t = target.open()) {
            System.err.printf("bench: loading %s: %,d keys of %d bytes, %d writes outstanding%n", t.describe(),
                    workload.keys(), workload.valueSize(), clients);
            Result r = Runs.load(t, target.systemName(), workload, clients, Durations.parse(opTimeout, "--op-timeout"),
                    Durations.parse(limit, "--limit"), System.err);
            spec.commandLine().getOut().print(json ? Json.write(r.toMap()) + System.lineSeparator() : r.toText());
            spec.commandLine().getOut().flush();
            return r.errorCount() == 0 ? 0 : 1;
        }
    }
}
