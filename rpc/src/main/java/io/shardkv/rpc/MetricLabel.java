package io.shardkv.rpc;

/**
 * A request or answer that names itself in metrics: a request by its operation, an answer by its
 * status. The label must come from a small fixed set (an enum's name), since a server keeps a
 * histogram per combination.
 */
public interface MetricLabel {

    String metricLabel();

    /** {@code message}'s label, or {@code fallback} if it has none. */
    static String of(Object message, String fallback) {
        return message instanceof MetricLabel l ? l.metricLabel() : fallback;
    }
}
