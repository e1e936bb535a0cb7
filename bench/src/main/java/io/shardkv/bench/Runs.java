package io.shardkv.bench;

import io.shardkv.bench.load.LoadGenerator;
import io.shardkv.bench.load.Measurement;
import io.shardkv.bench.load.OperationSource;
import io.shardkv.bench.load.TimedRun;
import io.shardkv.bench.report.Result;
import io.shardkv.bench.store.Target;
import io.shardkv.bench.workload.OpMix;
import io.shardkv.bench.workload.WorkloadOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Runs shared by the bench commands: loading a key space, and one measured run. */
final class Runs {

    private Runs() {
    }

    /** Writes every key of the workload's key space once, {@code clients} writes outstanding; the result of the load. */
    static Result load(Target target, String system, WorkloadOptions w, int clients, Duration opTimeout, Duration limit,
            PrintStream progress) throws InterruptedException {
        OperationSource ops = new OperationSource(OpMix.parse("write"), w.keyChooser(), w.keySpace(), w::value, 7);
        AtomicLong next = new AtomicLong();
        Measurement m = new Measurement();
        Map<String, Object> setup = setup(target, system, "load", w, clients, null);
        try (LoadGenerator g = new LoadGenerator(target, m, opTimeout)) {
            g.startClosedLoop(clients, random -> {
                long n = next.getAndIncrement();
                return n < w.keys() ? ops.load(n, random) : null;
            }, 7);
            Result r = new TimedRun(Duration.ZERO, limit, Duration.ofSeconds(5), progress).measure(g, m, setup, opTimeout);
            if (next.get() < w.keys()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "loading %s stopped after %s with %,d of %,d keys "
                        + "written", system, limit, Math.min(next.get(), w.keys()), w.keys()));
            }
            return r;
        }
    }

    /** One measured run: warm-up, then the window; closed loop unless {@code rate} is given. */
    static Result run(Target target, String system, WorkloadOptions w, int clients, Double rate, RunOptions o,
            PrintStream progress) throws InterruptedException {
        OperationSource ops = new OperationSource(w.mix(), w.keyChooser(), w.keySpace(), w::value, o.seed);
        Measurement m = new Measurement();
        Map<String, Object> setup = setup(target, system, w.workload(), w, clients, rate);
        setup.put("warmupSeconds", o.warmup().toMillis() / 1000.0);
        try (LoadGenerator g = new LoadGenerator(target, m, o.opTimeout())) {
            if (rate == null) {
                g.startClosedLoop(clients, ops::next, o.seed);
            } else {
                g.startOpenLoop(rate, clients, ops::next, o.seed);
            }
            return new TimedRun(o.warmup(), o.duration(), o.progress(), progress).measure(g, m, setup, o.opTimeout());
        }
    }

    private static Map<String, Object> setup(Target target, String system, String workload, WorkloadOptions w, int clients,
            Double rate) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("system", system);
        s.put("target", target.describe());
        s.put("workload", workload);
        s.put("mode", rate == null ? "closed" : "open");
        s.put("clients", clients);
        if (rate != null) {
            s.put("rate", rate);
        }
        s.put("keys", w.keys());
        s.put("distribution", w.distribution());
        s.put("valueBytes", w.valueSize());
        return s;
    }
}
