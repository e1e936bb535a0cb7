package io.shardkv.linearizability;

import java.util.Objects;

/**
 * What the store answered. Which outputs fit which input is {@link KvInput#canReport}. An operation
 * whose answer never arrived has no output at all (see {@link Operation#timedOut}).
 */
public sealed interface KvOutput permits KvOutput.Value, KvOutput.Status {

    /** Put and Append succeeded; Delete removed a key that existed. */
    KvOutput OK = Status.OK;
    /** Get found no value for the key. */
    KvOutput ABSENT = Status.ABSENT;
    /** Delete found no value to remove. */
    KvOutput NO_KEY = Status.NO_KEY;
    /** Cas found the expected value and replaced it. */
    KvOutput SWAPPED = Status.SWAPPED;
    /** Cas found something other than the expected value and changed nothing. */
    KvOutput NOT_SWAPPED = Status.NOT_SWAPPED;

    /** The value a Get read. */
    record Value(Bytes value) implements KvOutput {
        /** Rejects a null value; a missing key is {@link KvOutput#ABSENT}. */
        public Value {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** The outputs that carry no value; use the constants on {@link KvOutput}. */
    enum Status implements KvOutput {
        OK, ABSENT, NO_KEY, SWAPPED, NOT_SWAPPED
    }

    /** The UTF-8 value a Get read. */
    static Value value(String value) {
        return new Value(Bytes.of(value));
    }

    /** The value a Get read. */
    static Value value(Bytes value) {
        return new Value(value);
    }

    /** {@link #SWAPPED} or {@link #NOT_SWAPPED}. */
    static KvOutput casResult(boolean swapped) {
        return swapped ? SWAPPED : NOT_SWAPPED;
    }
}
