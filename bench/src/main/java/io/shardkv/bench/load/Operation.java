package io.shardkv.bench.load;

import io.shardkv.bench.workload.OpKind;

/** One operation to send: its kind, key, and for writes the value (for compare-and-set also the expected one). */
public record Operation(OpKind kind, byte[] key, byte[] value, byte[] expected) {
}
