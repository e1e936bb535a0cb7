package io.shardkv.cli;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.shardkv.rpc.LabeledLatency;
import io.shardkv.rpc.LatencyHistogram;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Our {@link LatencyHistogram}s as Prometheus classic histograms, read when scraped: the servers'
 * modules record into them without depending on a metrics library, and only here are they named.
 */
final class PrometheusHistograms {

    private PrometheusHistograms() {
    }

    /** One histogram under {@code labels}. */
    static Collector of(String name, String help, Labels labels, Supplier<LatencyHistogram> histogram) {
        return () -> HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(point(labels, histogram.get().snapshot())).build();
    }

    /** A histogram per label combination, each under {@code labels} plus its own. */
    static Collector of(String name, String help, Labels labels, LabeledLatency histograms) {
        return () -> {
            HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
            List<String> names = histograms.labelNames();
            for (Map.Entry<List<String>, LatencyHistogram.Snapshot> e : histograms.snapshot().entrySet()) {
                b.dataPoint(point(labels.merge(Labels.of(names, e.getKey())), e.getValue()));
            }
            return b.build();
        };
    }

    private static HistogramDataPointSnapshot point(Labels labels, LatencyHistogram.Snapshot s) {
        return HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(s.upperBoundsSeconds(), s.bucketCounts()))
                .sum(s.sumSeconds()).labels(labels).build();
    }
}
