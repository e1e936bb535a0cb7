package io.shardkv.bench;

import io.shardkv.bench.report.Latency;
import io.shardkv.bench.report.Result;
import io.shardkv.bench.store.Target;
import io.shardkv.bench.store.TargetOptions;
import io.shardkv.bench.workload.WorkloadOptions;
import io.shardkv.cli.ClusterTarget;
import io.shardkv.cli.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench matrix}: every (workload, clients) point against shardkv (A) and etcd — or a
 * baseline shardkv cluster, to measure a change — (B), alternating A B A B so drift of a shared,
 * noisy machine falls on both; medians over the repetitions and the ratio A/B per point.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs each point (workload x clients) against shardkv (A) and etcd or a baseline shardkv",
            "cluster (B), alternating A B A B, and prints medians and A/B ratios. With --out: runs.jsonl, summary.csv and one",
            "latency distribution (.hgrm) per run, for bench/plot.sh."})
final class MatrixCommand implements Callable<Integer> {

    private static final Duration PRELOAD_LIMIT = Duration.ofMinutes(30);

    @Mixin
    ClusterTarget shardkv;

    @Option(names = "--endpoints", paramLabel = "HOST:PORT,...", description = "B is etcd at these client URLs.")
    String endpoints;

    @Option(names = "--baseline-dir", paramLabel = "DIR",
            description = "B is the local shardkv cluster in DIR (e.g. one running the code before a change).")
    Path baselineDir;

    @Option(names = "--conns", defaultValue = "1", paramLabel = "N",
            description = "Client instances per system (connections; sessions for shardkv). Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--workloads", defaultValue = "write,read", split = ",", paramLabel = "MIX,...",
            description = "Workloads (as bench run --workload). Default: ${DEFAULT-VALUE}.")
    List<String> workloads;

    @Option(names = "--clients", defaultValue = "1,16,64,256", split = ",", paramLabel = "N,...",
            description = "Client counts. Default: ${DEFAULT-VALUE}.")
    List<Integer> clients;

    @Option(names = "--reps", defaultValue = "2", paramLabel = "N",
            description = "Runs per point and system, alternating A B A B. Default: ${DEFAULT-VALUE}.")
    int reps;

    @Option(names = "--keys", defaultValue = "100000", paramLabel = "N", description = "Key space. Default: ${DEFAULT-VALUE}.")
    long keys;

    @Option(names = "--distribution", defaultValue = "uniform", paramLabel = "DIST",
            description = "uniform or zipfian. Default: ${DEFAULT-VALUE}.")
    String distribution;

    @Option(names = "--value-size", defaultValue = "256", paramLabel = "BYTES", description = "Default: ${DEFAULT-VALUE}.")
    int valueSize;

    @Option(names = "--preload", description = "Write every key in both systems before the first point.")
    boolean preload;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write runs.jsonl, summary.csv and .hgrm files.")
    Path out;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (reps < 1) {
            throw new IllegalArgumentException("--reps must be at least 1, got " + reps);
        }
        List<WorkloadOptions> points = new ArrayList<>();
        for (String w : workloads) {
            points.add(WorkloadOptions.of(w, keys, distribution, valueSize));
        }
        if ((endpoints == null) == (baselineDir == null)) {
            throw new IllegalArgumentException("name B: either --endpoints (etcd) or --baseline-dir (a shardkv cluster)");
        }
        TargetOptions a = TargetOptions.shardkv(shardkv, connections);
        TargetOptions b = endpoints != null ? TargetOptions.etcd(endpoints, connections)
                : TargetOptions.shardkv(ClusterTarget.ofLocalDir(baselineDir), connections);
        String labelB = endpoints != null ? "etcd" : "baseline";
        java.util.function.Function<TargetOptions, String> label = t -> t == a ? "shardkv" : labelB;
        if (out != null) {
            Files.createDirectories(out);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        List<Map<String, Object>> summary = new ArrayList<>();
        try (Target ta = a.open(); Target tb = b.open();
                PrintWriter runs = out == null ? null : new PrintWriter(Files.newBufferedWriter(out.resolve("runs.jsonl")))) {
            if (preload) {
                for (TargetOptions t : List.of(a, b)) {
                    Result r = Runs.load(t == a ? ta : tb, label.apply(t), points.get(0), 64, run.opTimeout(),
                            PRELOAD_LIMIT, System.err);
                    stdout.printf(Locale.ROOT, "loaded %s: %,d keys in %.1f s%s%n", label.apply(t), r.ops(), r.seconds(),
                            r.errorCount() == 0 ? "" : " (" + r.errorCount() + " writes failed: " + r.errors() + ")");
                    stdout.flush();
                }
            }
            for (WorkloadOptions w : points) {
                for (int c : clients) {
                    List<Result> ra = new ArrayList<>();
                    List<Result> rb = new ArrayList<>();
                    for (int rep = 1; rep <= reps; rep++) {
                        for (TargetOptions t : List.of(a, b)) {
                            System.err.printf("bench: %s %s, %d clients, run %d of %d%n", label.apply(t), w.workload(), c, rep,
                                    reps);
                            Result r = Runs.run(t == a ? ta : tb, label.apply(t), w, c, null, run, System.err);
                            (t == a ? ra : rb).add(r);
                            if (runs != null) {
                                Map<String, Object> m = new LinkedHashMap<>(r.toMap());
                                m.put("rep", rep);
                                runs.println(Json.write(m));
                                runs.flush();
                                Histograms.write(out.resolve(String.format(Locale.ROOT, "%s-c%d-%s-r%d.hgrm", w.workload(), c,
                                        label.apply(t), rep)), r.all());
                            }
                        }
                    }
                    Map<String, Object> row = row(w.workload(), c, labelB, ra, rb);
                    summary.add(row);
                    stdout.println(line(row));
                    stdout.flush();
                }
            }
        }
        stdout.println();
        stdout.println(table(summary));
        stdout.flush();
        if (out != null) {
            writeCsv(out.resolve("summary.csv"), summary);
        }
        return 0;
    }

    private static Map<String, Object> row(String workload, int clients, String labelB, List<Result> a, List<Result> b) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", workload);
        row.put("clients", clients);
        row.put("a", "shardkv");
        row.put("b", labelB);
        putMedians(row, "a", a);
        putMedians(row, "b", b);
        row.put("throughputRatio", ratio((double) row.get("a_ops"), (double) row.get("b_ops")));
        row.put("p50Ratio", ratio((double) row.get("a_p50"), (double) row.get("b_p50")));
        row.put("p99Ratio", ratio((double) row.get("a_p99"), (double) row.get("b_p99")));
        return row;
    }

    private static void putMedians(Map<String, Object> row, String prefix, List<Result> rs) {
        row.put(prefix + "_ops", median(rs.stream().mapToDouble(Result::opsPerSecond).toArray()));
        row.put(prefix + "_p50", median(rs.stream().mapToDouble(r -> Latency.of(r.all()).p50()).toArray()));
        row.put(prefix + "_p99", median(rs.stream().mapToDouble(r -> Latency.of(r.all()).p99()).toArray()));
        row.put(prefix + "_errors", rs.stream().mapToLong(Result::errorCount).sum());
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double ratio(double x, double y) {
        return y == 0 ? Double.NaN : x / y;
    }

    private static String line(Map<String, Object> r) {
        long errors = (long) r.get("a_errors") + (long) r.get("b_errors");
        return String.format(Locale.ROOT, "%-8s %4d clients | %s %,9.0f ops/s p50 %7.3f p99 %8.3f ms | "
                + "%s %,9.0f ops/s p50 %7.3f p99 %8.3f ms | throughput x%.2f, p50 x%.2f, p99 x%.2f%s", r.get("workload"),
                r.get("clients"), r.get("a"), r.get("a_ops"), r.get("a_p50"), r.get("a_p99"), r.get("b"), r.get("b_ops"),
                r.get("b_p50"), r.get("b_p99"), r.get("throughputRatio"), r.get("p50Ratio"), r.get("p99Ratio"),
                errors > 0 ? "  (errors: " + r.get("a") + " " + r.get("a_errors") + ", " + r.get("b") + " "
                        + r.get("b_errors") + ")" : "");
    }

    private static String table(List<Map<String, Object>> rows) {
        String b = rows.isEmpty() ? "B" : (String) rows.get(0).get("b");
        StringBuilder t = new StringBuilder("medians; ratio = shardkv / " + b
                + " (throughput: higher is better; latency: lower is better)\n");
        rows.forEach(r -> t.append(line(r)).append('\n'));
        return t.toString();
    }

    private static void writeCsv(Path file, List<Map<String, Object>> rows) throws java.io.IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println(String.join(",", rows.get(0).keySet()));
            for (Map<String, Object> r : rows) {
                w.println(String.join(",", r.values().stream().map(v -> v instanceof Double d
                        ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v)).toList()));
            }
        }
    }
}
